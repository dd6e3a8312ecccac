import CLMDB
import Foundation

/// The baseline: LMDB through its C API with nothing of ours in between.
final class RawLMDB {
    let env: OpaquePointer
    var dbi: MDB_dbi = 0
    private var nextKey: UInt64 = 0

    init(path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var handle: OpaquePointer?
        precondition(mdb_env_create(&handle) == 0)
        env = handle!
        mdb_env_set_mapsize(env, 1 << 30)
        mdb_env_set_maxdbs(env, 2)
        try check(mdb_env_open(env, path, UInt32(MDB_NOTLS), 0o644), "mdb_env_open")
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin")
        try check(mdb_dbi_open(txn, "events", UInt32(MDB_CREATE), &dbi), "mdb_dbi_open")
        try check(mdb_txn_commit(txn), "mdb_txn_commit")
    }

    deinit { mdb_env_close(env) }

    /// One durable write transaction holding `count` appended puts of `value`.
    func commitPuts(_ count: Int, value: [UInt8]) throws {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, 0, &txn), "mdb_txn_begin")
        for _ in 0..<count {
            nextKey += 1
            var key = nextKey.bigEndian
            try withUnsafeMutableBytes(of: &key) { keyBytes in
                try value.withUnsafeBytes { valueBytes in
                    var k = MDB_val(mv_size: 8, mv_data: keyBytes.baseAddress)
                    var v = MDB_val(
                        mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                    try check(mdb_put(txn, dbi, &k, &v, UInt32(MDB_APPEND)), "mdb_put")
                }
            }
        }
        try check(mdb_txn_commit(txn), "mdb_txn_commit")
    }

    /// Reads every value with a cursor, touching each byte count; returns how many it read.
    func scanAll() throws -> Int {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn), "mdb_txn_begin")
        defer { mdb_txn_abort(txn) }
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, dbi, &cursor), "mdb_cursor_open")
        defer { mdb_cursor_close(cursor) }
        var k = MDB_val()
        var v = MDB_val()
        var count = 0
        var bytes = 0
        var op = MDB_FIRST
        while mdb_cursor_get(cursor, &k, &v, op) == 0 {
            count += 1
            bytes &+= v.mv_size
            op = MDB_NEXT
        }
        precondition(bytes >= 0)
        return count
    }

    private func check(_ rc: Int32, _ what: String) throws {
        if rc != 0 {
            throw NSError(
                domain: "lmdb", code: Int(rc),
                userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: mdb_strerror(rc)))"])
        }
    }
}
