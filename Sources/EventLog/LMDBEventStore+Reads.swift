import LMDB

extension LMDBEventStore {
    public func envelope(at sequence: UInt64) throws -> Envelope? {
        try environment.read { txn in
            try txn.withValue(tables.events, key: StorageKeys.sequence(sequence)) { bytes in
                try bytes.map { try EnvelopeFormat.decode($0) }
            }
        }
    }

    public func scan(after: UInt64, through: UInt64, _ body: (EnvelopeView) throws -> Void) throws {
        guard through > after else { return }
        try environment.read { txn in
            try txn.withCursor(tables.events) { cursor in
                var entry = try cursor.seek(atLeast: StorageKeys.sequence(after + 1))
                while let current = entry, StorageKeys.trailingSequence(current.key) <= through {
                    try body(EnvelopeView(bytes: current.value))
                    entry = try cursor.next()
                }
            }
        }
    }

    public func sequence(atOrBefore time: Int64) throws -> UInt64 {
        try environment.read { txn in
            try txn.withCursor(tables.byTime) { cursor in
                guard let entry = try cursor.seek(atMost: StorageKeys.time(time, .max)) else { return 0 }
                return StorageKeys.trailingSequence(entry.key)
            }
        }
    }

    public func idempotencyRecord(for key: String) throws -> IdempotencyRecord? {
        try environment.read { txn in
            try txn.withValue(tables.idempotency, key: Array(key.utf8)) { bytes in
                try bytes.map { try IdempotencyValue.decode($0) }
            }
        }
    }

    public func checkpoint(atOrBefore sequence: UInt64) throws -> (sequence: UInt64, state: [UInt8])? {
        try environment.read { txn in
            try txn.withCursor(tables.checkpoints) { cursor in
                guard let entry = try cursor.seek(atMost: StorageKeys.sequence(sequence)) else { return nil }
                return (StorageKeys.trailingSequence(entry.key), Array(entry.value))
            }
        }
    }

    /// Walks the index that narrows the query most (entity, then time, then sequence) in the
    /// query's direction, and filters the rest in memory.
    public func envelopes(_ query: EventQuery) throws -> EventPage {
        let limit = max(query.limit, 1)
        var found = [Envelope]()
        try environment.read { txn in
            func accept(_ sequence: UInt64) throws -> Bool {
                guard
                    let envelope = try txn.withValue(
                        tables.events, key: StorageKeys.sequence(sequence),
                        {
                            try $0.map { try EnvelopeFormat.decode($0) }
                        })
                else { return true }
                if query.matches(envelope) { found.append(envelope) }
                return found.count < limit
            }
            if let entity = query.entity {
                try walkIndex(txn, tables.byEntity, prefix: StorageKeys.entityPrefix(entity), query: query, accept)
            } else if query.since != nil || query.until != nil {
                try walkTime(txn, query: query, accept)
            } else {
                try walkIndex(txn, tables.events, prefix: [], query: query, accept)
            }
        }
        let next = found.count == limit ? found.last?.sequence : nil
        return EventPage(envelopes: found, nextCursor: next)
    }

    /// Keys are `prefix` + big-endian sequence; visits sequences past the cursor in order.
    private func walkIndex(
        _ txn: ReadTransaction, _ db: Database, prefix: [UInt8], query: EventQuery, _ visit: (UInt64) throws -> Bool
    ) throws {
        try txn.withCursor(db) { cursor in
            var entry: Entry?
            if query.descending {
                let bound = query.cursor.map { $0 == 0 ? 0 : $0 - 1 } ?? .max
                entry = try cursor.seek(atMost: prefix + StorageKeys.sequence(bound))
            } else {
                // Nothing comes after the last possible sequence; `+ 1` would trap.
                let after = query.cursor ?? 0
                guard after < .max else { return }
                entry = try cursor.seek(atLeast: prefix + StorageKeys.sequence(after + 1))
            }
            while let current = entry, current.key.count == prefix.count + 8, current.key.starts(with: prefix) {
                guard try visit(StorageKeys.trailingSequence(current.key)) else { return }
                entry = try query.descending ? cursor.previous() : cursor.next()
            }
        }
    }

    private func walkTime(_ txn: ReadTransaction, query: EventQuery, _ visit: (UInt64) throws -> Bool) throws {
        try txn.withCursor(tables.byTime) { cursor in
            var entry: Entry?
            if query.descending {
                entry = try cursor.seek(atMost: StorageKeys.time((query.until ?? .max) &- 1, .max))
            } else {
                entry = try cursor.seek(atLeast: StorageKeys.time(query.since ?? .min, 0))
            }
            while let current = entry {
                let time = StorageKeys.leadingTime(current.key)
                if query.descending, let since = query.since, time < since { return }
                if !query.descending, let until = query.until, time >= until { return }
                guard try visit(StorageKeys.trailingSequence(current.key)) else { return }
                entry = try query.descending ? cursor.previous() : cursor.next()
            }
        }
    }
}
