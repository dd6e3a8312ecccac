import Foundation
import LMDB

extension LMDBEventStore {
    /// Writes events `from`...`through` as JSON Lines, one envelope a line, in log order.
    public func export(from: UInt64 = 1, through: UInt64? = nil, _ writeLine: (String) throws -> Void) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try scan(after: from > 0 ? from - 1 : 0, through: through ?? head) { view in
            let line = try encoder.encode(EnvelopeRecord(try view.decode()))
            try writeLine(String(decoding: line, as: UTF8.self))
        }
    }

    /// Appends exported envelopes as they are (times, actors and hashes kept), checking every
    /// checksum and link first. The first one must continue this log's chain, so an import goes
    /// into an empty log or continues the very log it came from. `check` may refuse an envelope
    /// (a payload the domain cannot read) before anything of its batch is written. Returns how
    /// many were imported.
    @discardableResult
    public func importLines(
        _ lines: some Sequence<String>, batchSize: Int = 5000, check: (Envelope) throws -> Void = { _ in }
    ) throws -> UInt64 {
        let decoder = JSONDecoder()
        var tip = chain.withLock { $0 }
        var batch = [(sequence: UInt64, bytes: [UInt8], recordedAt: Int64, entities: [String])]()
        var imported: UInt64 = 0
        var lineNumber = 0
        for line in lines {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let envelope: Envelope
            do {
                envelope = try decoder.decode(EnvelopeRecord.self, from: Data(line.utf8)).envelope()
            } catch let error as EventLogError {
                throw EventLogError(.invalidEvent, "line \(lineNumber): \(error.message)")
            } catch {
                throw EventLogError(.invalidEvent, "line \(lineNumber): not an envelope record (\(error))")
            }
            let bytes = try checkImported(envelope, after: tip, line: lineNumber)
            do {
                try check(envelope)
            } catch {
                throw EventLogError(.invalidEvent, "line \(lineNumber): \(error)")
            }
            tip = ChainHead(sequence: envelope.sequence, hash: envelope.hash, recordedAt: envelope.recordedAt)
            batch.append((envelope.sequence, bytes, envelope.recordedAt, envelope.entities))
            if batch.count >= batchSize {
                try writeImported(batch)
                imported += UInt64(batch.count)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty {
            try writeImported(batch)
            imported += UInt64(batch.count)
        }
        return imported
    }

    private func checkImported(_ envelope: Envelope, after tip: ChainHead, line: Int) throws(EventLogError) -> [UInt8] {
        guard envelope.sequence == tip.sequence + 1 else {
            throw EventLogError(
                .invalidEvent,
                "line \(line): event \(envelope.sequence) does not follow event \(tip.sequence)"
                    + (tip.sequence == 0 ? "" : "; import into an empty data directory"))
        }
        guard envelope.previousHash == tip.hash else {
            throw EventLogError(.invalidEvent, "line \(line): event \(envelope.sequence) breaks the chain (prev_hash)")
        }
        guard envelope.recordedAt >= tip.recordedAt else {
            throw EventLogError(.invalidEvent, "line \(line): event \(envelope.sequence) goes back in time")
        }
        let (bytes, hash) = try EnvelopeFormat.encode(envelope)
        guard hash == envelope.hash else {
            throw EventLogError(.invalidEvent, "line \(line): event \(envelope.sequence) fails its checksum (hash)")
        }
        return bytes
    }

    private func writeImported(_ batch: [(sequence: UInt64, bytes: [UInt8], recordedAt: Int64, entities: [String])])
        throws
    {
        let tables = self.tables
        try maintain { txn in
            for item in batch {
                try txn.put(tables.events, key: StorageKeys.sequence(item.sequence), value: item.bytes, flags: .append)
                try txn.put(tables.byTime, key: StorageKeys.time(item.recordedAt, item.sequence), value: [UInt8]())
                for entity in item.entities {
                    try txn.put(tables.byEntity, key: StorageKeys.entity(entity, item.sequence), value: [UInt8]())
                }
            }
        }
    }

    /// A compacted copy of the live log in `directory` (created if needed, and empty).
    public func backup(to directory: String) throws {
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw EventLogError(.storage, "cannot create \(directory): \(error.localizedDescription)")
        }
        guard (try? files.contentsOfDirectory(atPath: directory))?.isEmpty ?? false else {
            throw EventLogError(.notEmpty, "the backup directory \(directory) is not empty")
        }
        do {
            try environment.copy(to: directory, compact: true)
        } catch {
            throw EventLogError(.storage, "backup to \(directory) failed: \(error)")
        }
    }
}
