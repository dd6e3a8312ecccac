import CLMDB
import Foundation

/// A key and value seen inside a transaction. The buffers point into the map and are valid only
/// until the transaction ends or the cursor moves: copy what you keep.
public struct Entry {
    public let key: UnsafeRawBufferPointer
    public let value: UnsafeRawBufferPointer
}

/// Operations shared by read and write transactions.
public protocol TransactionReading {
    var txn: OpaquePointer { get }
}

extension TransactionReading {
    /// The value for `key`, copied out; nil when absent.
    public func get(_ db: Database, key: some ContiguousBytes) throws -> [UInt8]? {
        try withValue(db, key: key) { $0.map { Array($0) } }
    }

    /// Calls `body` with the value in place (no copy), or nil when absent.
    public func withValue<T>(
        _ db: Database, key: some ContiguousBytes, _ body: (UnsafeRawBufferPointer?) throws -> T
    ) throws -> T {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            var v = MDB_val()
            let rc = mdb_get(txn, db.dbi, &k, &v)
            if rc == MDB_NOTFOUND { return try body(nil) }
            try LMDBError.check(rc, "mdb_get(\(db.name))")
            return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
        }
    }

    /// Runs `body` with a cursor over `db`; the cursor closes when it returns.
    public func withCursor<T>(_ db: Database, _ body: (Cursor) throws -> T) throws -> T {
        var cursor: OpaquePointer?
        try LMDBError.check(mdb_cursor_open(txn, db.dbi, &cursor), "mdb_cursor_open(\(db.name))")
        defer { mdb_cursor_close(cursor) }
        return try body(Cursor(cursor: cursor!, name: db.name))
    }

    /// How many entries `db` holds.
    public func count(_ db: Database) throws -> Int {
        var stat = MDB_stat()
        try LMDBError.check(mdb_stat(txn, db.dbi, &stat), "mdb_stat(\(db.name))")
        return stat.ms_entries
    }
}

/// A read-only transaction, alive only inside `Environment.read`.
public struct ReadTransaction: TransactionReading {
    public let txn: OpaquePointer
}

/// A write transaction, alive only inside `Environment.write`.
public struct WriteTransaction: TransactionReading {
    public let txn: OpaquePointer

    public func put(_ db: Database, key: some ContiguousBytes, value: some ContiguousBytes, flags: PutFlags = [])
        throws
    {
        try key.withUnsafeBytes { keyBytes in
            try value.withUnsafeBytes { valueBytes in
                var k = MDB_val(
                    mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var v = MDB_val(
                    mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                try LMDBError.check(mdb_put(txn, db.dbi, &k, &v, flags.rawValue), "mdb_put(\(db.name))")
            }
        }
    }

    /// Deletes `key`; returns false when it was absent.
    @discardableResult
    public func delete(_ db: Database, key: some ContiguousBytes) throws -> Bool {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            let rc = mdb_del(txn, db.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try LMDBError.check(rc, "mdb_del(\(db.name))")
            return true
        }
    }

    /// Removes every entry of `db`, keeping the database.
    public func clear(_ db: Database) throws {
        try LMDBError.check(mdb_drop(txn, db.dbi, 0), "mdb_drop(\(db.name))")
    }
}

/// A cursor, alive only inside `withCursor`. Each move returns the entry it lands on, or nil.
public struct Cursor {
    let cursor: OpaquePointer
    let name: String

    public func first() throws -> Entry? { try move(MDB_FIRST) }
    public func last() throws -> Entry? { try move(MDB_LAST) }
    public func next() throws -> Entry? { try move(MDB_NEXT) }
    public func previous() throws -> Entry? { try move(MDB_PREV) }
    public func current() throws -> Entry? { try move(MDB_GET_CURRENT) }

    /// Positions at the first key greater than or equal to `key`.
    public func seek(atLeast key: some ContiguousBytes) throws -> Entry? {
        try key.withUnsafeBytes { keyBytes in
            var k = MDB_val(mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return try get(MDB_SET_RANGE, key: &k)
        }
    }

    /// Positions at the last key less than or equal to `key`.
    public func seek(atMost key: some ContiguousBytes) throws -> Entry? {
        let wanted = key.withUnsafeBytes { Array($0) }
        guard let entry = try seek(atLeast: wanted) else { return try last() }
        if entry.key.elementsEqual(wanted) { return entry }
        return try previous()
    }

    private func move(_ op: MDB_cursor_op) throws -> Entry? {
        var k = MDB_val()
        return try get(op, key: &k)
    }

    /// One `mdb_cursor_get`; `key` is input for seeks and output for every operation.
    private func get(_ op: MDB_cursor_op, key k: inout MDB_val) throws -> Entry? {
        var v = MDB_val()
        let rc = mdb_cursor_get(cursor, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc, "mdb_cursor_get(\(name))")
        return Entry(
            key: UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
            value: UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }
}
