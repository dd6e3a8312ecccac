import Foundation
import LMDB

extension LMDBEventStore {
    /// Writes events `from`...`through` as JSON Lines, one envelope a line, in log order, then
    /// the idempotency keys whose first answer ends in that range (head from `from` to
    /// `through`; with `from` 1, from 0), one `IdempotencyKeyRecord` a line, in head order.
    public func export(from: UInt64 = 1, through: UInt64? = nil, _ writeLine: (String) throws -> Void) throws {
        let encoder = CanonicalJSON.encoder()
        let last = through ?? head
        try scan(after: from > 0 ? from - 1 : 0, through: last) { view in
            let line = try encoder.encode(EnvelopeRecord(try view.decode()))
            try writeLine(String(decoding: line, as: UTF8.self))
        }
        let keys = try idempotencyRecords().filter { $0.record.head <= last && ($0.record.head >= from || from <= 1) }
        for (key, record) in keys.sorted(by: { ($0.record.head, $0.key) < ($1.record.head, $1.key) }) {
            let line = try encoder.encode(IdempotencyKeyRecord(key: key, record))
            try writeLine(String(decoding: line, as: UTF8.self))
        }
    }

    /// Every stored idempotency key with its first answer.
    func idempotencyRecords() throws -> [(key: String, record: IdempotencyRecord)] {
        try environment.read { txn in
            try txn.withCursor(tables.idempotency) { cursor in
                var records = [(key: String, record: IdempotencyRecord)]()
                var entry = try cursor.first()
                while let current = entry {
                    records.append(
                        (String(decoding: current.key, as: UTF8.self), try IdempotencyValue.decode(current.value)))
                    entry = try cursor.next()
                }
                return records
            }
        }
    }

    /// Appends exported envelopes as they are (times, actors and hashes kept), checking every
    /// checksum and link first. The first one must continue this log's chain, so an import goes
    /// into an empty log or continues the very log it came from. `check` may refuse an envelope
    /// (a payload the domain cannot read) before anything of its batch is written. Idempotency
    /// lines are stored too, so retried requests replay; an export without them (older ones)
    /// imports its events alone. Returns how many events were imported.
    @discardableResult
    public func importLines(
        _ lines: some Sequence<String>, batchSize: Int = 5000, check: (Envelope) throws -> Void = { _ in }
    ) throws -> UInt64 {
        let decoder = JSONDecoder()
        var tip = chain.withLock { $0 }
        var batch = ImportBatch()
        var keysSeen = [String: IdempotencyRecord]()
        var imported: UInt64 = 0
        var lineNumber = 0
        for line in lines {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let decoded: TransferLine
            do {
                decoded = try decoder.decode(TransferLine.self, from: Data(line.utf8))
            } catch {
                throw EventLogError(.invalidEvent, "line \(lineNumber): not an envelope record (\(error))")
            }
            let envelope: Envelope
            switch decoded {
            case .idempotency(let keyLine):
                let (key, record) = try checkImported(keyLine, at: tip, seen: keysSeen, line: lineNumber)
                keysSeen[key] = record
                batch.keys.append((key, record))
                continue
            case .envelope(let record):
                do {
                    envelope = try record.envelope()
                } catch {
                    throw EventLogError(.invalidEvent, "line \(lineNumber): \(error.message)")
                }
            }
            let bytes = try checkImported(envelope, after: tip, line: lineNumber)
            do {
                try check(envelope)
            } catch {
                throw EventLogError(.invalidEvent, "line \(lineNumber): \(error)")
            }
            tip = ChainHead(sequence: envelope.sequence, hash: envelope.hash, recordedAt: envelope.recordedAt)
            batch.events.append((envelope.sequence, bytes, envelope.recordedAt, envelope.entities))
            if batch.events.count >= batchSize {
                try writeImported(batch)
                imported += UInt64(batch.events.count)
                batch = ImportBatch()
            }
        }
        if !batch.events.isEmpty || !batch.keys.isEmpty {
            try writeImported(batch)
            imported += UInt64(batch.events.count)
        }
        return imported
    }

    /// An idempotency line must answer with events already in the log (or imported before it),
    /// and must not contradict a key the log already has.
    private func checkImported(
        _ keyLine: IdempotencyKeyRecord, at tip: ChainHead, seen: [String: IdempotencyRecord], line: Int
    ) throws(EventLogError) -> (String, IdempotencyRecord) {
        let record: IdempotencyRecord
        do {
            record = try keyLine.record()
        } catch {
            throw EventLogError(.invalidEvent, "line \(line): \(error.message)")
        }
        let key = keyLine.idempotencyKey
        guard record.head <= tip.sequence else {
            throw EventLogError(
                .invalidEvent,
                "line \(line): idempotency key '\(key)' answers with head \(record.head), past event \(tip.sequence)")
        }
        let existing: IdempotencyRecord?
        do {
            existing = try seen[key] ?? idempotencyRecord(for: key)
        } catch {
            throw EventLogError(.storage, "line \(line): cannot read idempotency key '\(key)': \(error)")
        }
        if let existing, existing != record {
            throw EventLogError(
                .invalidEvent, "line \(line): idempotency key '\(key)' is already recorded with another answer")
        }
        return (key, record)
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

    private func writeImported(_ batch: ImportBatch) throws {
        let tables = self.tables
        try maintain { txn in
            for item in batch.events {
                try txn.put(tables.events, key: StorageKeys.sequence(item.sequence), value: item.bytes, flags: .append)
                try txn.put(tables.byTime, key: StorageKeys.time(item.recordedAt, item.sequence), value: [UInt8]())
                for entity in item.entities {
                    try txn.put(tables.byEntity, key: StorageKeys.entity(entity, item.sequence), value: [UInt8]())
                }
            }
            for (key, record) in batch.keys {
                try txn.put(tables.idempotency, key: Array(key.utf8), value: IdempotencyValue.encode(record))
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

/// What one import transaction writes: envelopes and idempotency keys.
private struct ImportBatch: Sendable {
    var events = [(sequence: UInt64, bytes: [UInt8], recordedAt: Int64, entities: [String])]()
    var keys = [(key: String, record: IdempotencyRecord)]()
}
