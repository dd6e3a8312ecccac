import CLMDB
import Foundation

/// An LMDB environment: one memory map holding named databases.
///
/// `@unchecked Sendable`: LMDB environments are thread-safe; read transactions may run on any
/// thread because the environment is opened with MDB_NOTLS, and the map-resize lock below
/// keeps `mdb_env_set_mapsize` away from live transactions. Callers keep write transactions on
/// one thread (the EventLog's writer), as LMDB requires.
public final class Environment: @unchecked Sendable {
    let env: OpaquePointer
    public let path: String
    /// LMDB refuses write transactions in a read-only environment.
    let isReadOnly: Bool
    /// Readers and writers hold it shared; growing the map takes it exclusively, because
    /// `mdb_env_set_mapsize` must not run while this process has a transaction open.
    private let resizeLock = ReadWriteLock()

    public init(path: String, options: EnvironmentOptions = EnvironmentOptions()) throws(LMDBError) {
        var handle: OpaquePointer?
        try LMDBError.check(mdb_env_create(&handle), "mdb_env_create")
        guard let handle else { throw LMDBError(code: .invalid, operation: "mdb_env_create") }
        do throws(LMDBError) {
            try LMDBError.check(mdb_env_set_mapsize(handle, options.mapSize), "mdb_env_set_mapsize")
            try LMDBError.check(mdb_env_set_maxdbs(handle, options.maxDatabases), "mdb_env_set_maxdbs")
            try LMDBError.check(mdb_env_set_maxreaders(handle, options.maxReaders), "mdb_env_set_maxreaders")
            try LMDBError.check(
                mdb_env_open(handle, path, options.flags.rawValue, mdb_mode_t(options.mode)),
                "mdb_env_open(\(path))"
            )
        } catch {
            mdb_env_close(handle)
            throw error
        }
        self.env = handle
        self.path = path
        self.isReadOnly = options.flags.contains(.readOnly)
        _ = try? checkStaleReaders()
    }

    deinit {
        mdb_env_close(env)
    }

    /// The current size of the memory map in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(env, &info)
        return info.me_mapsize
    }

    /// Clears reader slots left by processes that died; returns how many were cleared.
    @discardableResult
    public func checkStaleReaders() throws(LMDBError) -> Int {
        var dead: Int32 = 0
        try LMDBError.check(mdb_reader_check(env, &dead), "mdb_reader_check")
        return Int(dead)
    }

    /// Flushes buffers to disk; needed only when the environment was opened with noSync.
    public func sync(force: Bool = true) throws(LMDBError) {
        try LMDBError.check(mdb_env_sync(env, force ? 1 : 0), "mdb_env_sync")
    }

    /// Copies the environment into an existing empty directory while it stays live.
    public func copy(to directory: String, compact: Bool) throws(LMDBError) {
        try resizeLock.withShared { () throws(LMDBError) in
            try LMDBError.check(
                mdb_env_copy2(env, directory, compact ? UInt32(MDB_CP_COMPACT) : 0),
                "mdb_env_copy2(\(directory))"
            )
        }
    }

    /// Opens (and with `.create`, creates) a named database.
    public func openDatabase(_ name: String, flags: DatabaseFlags = [.create]) throws -> Database {
        func open(_ txn: some TransactionReading) throws -> Database {
            var dbi: MDB_dbi = 0
            try LMDBError.check(mdb_dbi_open(txn.txn, name, flags.rawValue, &dbi), "mdb_dbi_open(\(name))")
            return Database(dbi: dbi, name: name)
        }
        guard isReadOnly else { return try write(open) }
        // A handle opened in a read transaction survives only if that transaction commits.
        return try resizeLock.withShared {
            let txn = try beginTransaction(readOnly: true)
            let database: Database
            do {
                database = try open(ReadTransaction(txn: txn))
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
            try LMDBError.check(mdb_txn_commit(txn), "mdb_txn_commit")
            return database
        }
    }

    /// Runs `body` in a read-only transaction. Values must be copied out before it returns.
    public func read<T>(_ body: (ReadTransaction) throws -> T) throws -> T {
        try resizeLock.withShared {
            let txn = try beginTransaction(readOnly: true)
            defer { mdb_txn_abort(txn) }
            return try body(ReadTransaction(txn: txn))
        }
    }

    /// Runs `body` in a write transaction: committed when it returns, aborted when it throws.
    ///
    /// On MDB_MAP_FULL the map doubles and `body` runs again from the start, so it must not
    /// have effects outside the transaction that a second run would repeat.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        while true {
            do {
                return try resizeLock.withShared {
                    let txn = try beginTransaction(readOnly: false)
                    let result: T
                    do {
                        result = try body(WriteTransaction(txn: txn))
                    } catch {
                        mdb_txn_abort(txn)
                        throw error
                    }
                    // A failed commit has already freed the transaction: never abort it again.
                    try LMDBError.check(mdb_txn_commit(txn), "mdb_txn_commit")
                    return result
                }
            } catch let error as LMDBError where error.code == .mapFull {
                try grow()
            }
        }
    }

    /// Doubles the map. Takes the resize lock exclusively, so no transaction of ours is open.
    public func grow() throws(LMDBError) {
        let target = mapSize * 2
        try resizeLock.withExclusive { () throws(LMDBError) in
            try LMDBError.check(mdb_env_set_mapsize(env, target), "mdb_env_set_mapsize(\(target))")
        }
    }

    private func beginTransaction(readOnly: Bool) throws(LMDBError) -> OpaquePointer {
        var txn: OpaquePointer?
        var rc = mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
        if rc == MDB_MAP_RESIZED {
            // Another process grew the map: adopt its size, then try once more.
            mdb_env_set_mapsize(env, 0)
            rc = mdb_txn_begin(env, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn)
        }
        try LMDBError.check(rc, "mdb_txn_begin")
        return txn!
    }
}

/// A pthread read-write lock; shared holders may nest across threads, which a Mutex cannot do.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withShared<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withExclusive<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
