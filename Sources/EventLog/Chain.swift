import Foundation
import LMDB
import Synchronization

/// The rules that link one stored envelope to the one before it.
enum Chain {
    /// Decodes `entry` and checks its checksum, its key and its link to `previous` (nil: check
    /// only the checksum and key).
    static func check(_ entry: Entry, after previous: Envelope?) throws(EventLogError) -> Envelope {
        let key = StorageKeys.trailingSequence(entry.key)
        return try check(entry.value, storedAs: key, after: previous)
    }

    /// Decodes the envelope stored as event `key` and checks its checksum, its sequence and its
    /// link to `previous` (nil: only the checksum and sequence). Every store's verify uses it.
    static func check(
        _ bytes: UnsafeRawBufferPointer, storedAs key: UInt64, after previous: Envelope?
    ) throws(EventLogError) -> Envelope {
        let envelope = try EnvelopeFormat.decode(bytes)
        guard envelope.sequence == key else {
            throw EventLogError(.corrupt, "stored under key \(key) but says it is event \(envelope.sequence)")
        }
        if let previous {
            guard envelope.sequence == previous.sequence + 1 else {
                throw EventLogError(.corrupt, "a gap: event \(previous.sequence) is followed by \(envelope.sequence)")
            }
            guard envelope.previousHash == previous.hash else {
                throw EventLogError(
                    .corrupt, "the chain is broken: previous_hash does not match event \(previous.sequence)'s hash")
            }
            guard envelope.recordedAt >= previous.recordedAt else {
                throw EventLogError(.corrupt, "recorded_at goes backwards")
            }
        } else if envelope.sequence == 1 && envelope.previousHash != Envelope.genesisHash {
            throw EventLogError(.corrupt, "the first event does not start the chain")
        }
        return envelope
    }
}
