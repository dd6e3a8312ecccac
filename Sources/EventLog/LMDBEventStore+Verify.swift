import LMDB

extension LMDBEventStore {
    /// Walks the whole chain: every checksum, key, sequence and link.
    public func verify() throws -> VerifyReport {
        try environment.read { txn in
            try txn.withCursor(tables.events) { cursor in
                var report = VerifyReport(checked: 0, head: 0)
                if let last = try cursor.last() { report.head = StorageKeys.trailingSequence(last.key) }
                var entry = try cursor.first()
                var previous: Envelope?
                var expected: UInt64 = 1
                while let current = entry {
                    let key = StorageKeys.trailingSequence(current.key)
                    do {
                        guard key == expected else {
                            throw EventLogError(.corrupt, "expected event \(expected), found key \(key)")
                        }
                        previous = try Chain.check(current, after: previous)
                    } catch let error as EventLogError {
                        report.firstBad = min(key, expected)
                        report.problem = error.message
                        return report
                    }
                    report.checked += 1
                    expected += 1
                    entry = try cursor.next()
                }
                return report
            }
        }
    }

    /// Verifies, and when the chain is broken truncates the log to the last good event,
    /// dropping every later event and the index entries and checkpoints that refer to them.
    public func repair() throws -> VerifyReport {
        var report = try verify()
        guard let firstBad = report.firstBad else { return report }
        let tables = self.tables
        try maintain { txn in
            try Self.deleteEntries(txn, tables.events) { key, _ in StorageKeys.trailingSequence(key) >= firstBad }
            try Self.deleteEntries(txn, tables.byTime) { key, _ in StorageKeys.trailingSequence(key) >= firstBad }
            try Self.deleteEntries(txn, tables.byEntity) { key, _ in StorageKeys.trailingSequence(key) >= firstBad }
            try Self.deleteEntries(txn, tables.checkpoints) { key, _ in StorageKeys.trailingSequence(key) >= firstBad }
            try Self.deleteEntries(txn, tables.idempotency) { _, value in
                ((try? IdempotencyValue.decode(value))?.head ?? .max) >= firstBad
            }
        }
        report.dropped = firstBad...max(firstBad, report.head)
        report.head = head
        return report
    }

    private static func deleteEntries(
        _ txn: WriteTransaction, _ db: Database,
        where shouldDelete: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool
    ) throws {
        // Collect first, then delete by key: a cursor's position after a delete is easy to get wrong.
        let doomed: [[UInt8]] = try txn.withCursor(db) { cursor in
            var keys = [[UInt8]]()
            var entry = try cursor.first()
            while let current = entry {
                if shouldDelete(current.key, current.value) { keys.append(Array(current.key)) }
                entry = try cursor.next()
            }
            return keys
        }
        for key in doomed { try txn.delete(db, key: key) }
    }
}
