import Foundation
import LMDB
import TestSupport
import Testing

@Suite("LMDB environment")
struct EnvironmentTests {
    @Test("opening an environment creates its files in the directory with the requested map size")
    func opensEnvironment() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions(mapSize: 2 << 20))
            #expect(environment.path == directory)
            #expect(environment.mapSize == 2 << 20)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory)
            #expect(files.contains("data.mdb"))
            #expect(files.contains("lock.mdb"))
        }
    }

    @Test("opening a directory that does not exist throws an LMDBError naming mdb_env_open")
    func missingDirectoryFails() throws {
        try withTemporaryDirectory { directory in
            let missing = (directory as NSString).appendingPathComponent("no/such/dir")
            let error = #expect(throws: LMDBError.self) {
                _ = try Environment(path: missing, options: smallOptions())
            }
            #expect(error?.code.rawValue == ENOENT)
            #expect(error?.operation.hasPrefix("mdb_env_open") == true)
            #expect(error?.description.contains(missing) == true)
        }
    }

    @Test("data written and committed survives closing and reopening the environment")
    func dataSurvivesReopen() throws {
        try withTemporaryDirectory { directory in
            do {
                let environment = try Environment(path: directory, options: smallOptions())
                let db = try environment.openDatabase("things")
                try environment.write { txn throws in try txn.put(db, key: bytes("k"), value: bytes("persisted")) }
            }
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("things")
            let stored = try environment.read { txn throws in try txn.get(db, key: bytes("k")) }
            #expect(stored == bytes("persisted"))
        }
    }

    @Test("named databases are separate key spaces in one environment")
    func namedDatabasesAreSeparate() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let left = try environment.openDatabase("left")
            let right = try environment.openDatabase("right")
            #expect(left.name == "left")
            #expect(left != right)
            try environment.write { txn throws in
                try txn.put(left, key: bytes("k"), value: bytes("L"))
                try txn.put(right, key: bytes("k"), value: bytes("R"))
            }
            try environment.read { txn throws in
                #expect(try txn.get(left, key: bytes("k")) == bytes("L"))
                #expect(try txn.get(right, key: bytes("k")) == bytes("R"))
                #expect(try txn.count(left) == 1)
            }
            // Opening the same name again gives the same handle.
            #expect(try environment.openDatabase("left") == left)
        }
    }

    @Test("opening more named databases than maxDatabases fails with dbsFull")
    func tooManyDatabases() throws {
        try withTemporaryDirectory { directory in
            var options = smallOptions()
            options.maxDatabases = 2
            let environment = try Environment(path: directory, options: options)
            _ = try environment.openDatabase("one")
            _ = try environment.openDatabase("two")
            let error = #expect(throws: LMDBError.self) { _ = try environment.openDatabase("three") }
            #expect(error?.code == .dbsFull)
        }
    }

    @Test("opening a database that does not exist without .create fails")
    func openWithoutCreateFails() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let error = #expect(throws: LMDBError.self) { _ = try environment.openDatabase("absent", flags: []) }
            #expect(error?.code.rawValue == MDB_NOTFOUND_CODE)
        }
    }

    @Test(
        "a map of 64 KiB grows while one write transaction stores more than that",
        .timeLimit(.minutes(1)))
    func mapGrowsOnMapFull() throws {
        try withTemporaryDirectory { directory in
            let initial = 64 << 10
            let environment = try Environment(path: directory, options: smallOptions(mapSize: initial))
            let db = try environment.openDatabase("big")
            let value = [UInt8](repeating: 0xAB, count: 1024)
            var attempts = 0
            let written = try environment.write { txn -> Int in
                attempts += 1
                for index in 0..<300 { try txn.put(db, key: key(UInt64(index)), value: value) }
                return try txn.count(db)
            }
            #expect(written == 300)
            // The body ran again after every MDB_MAP_FULL, as documented.
            #expect(attempts > 1)
            #expect(environment.mapSize > initial)
            #expect(environment.mapSize >= 300 * 1024)
            let stored = try environment.read { txn throws in
                (try txn.count(db), try txn.get(db, key: key(299)))
            }
            #expect(stored.0 == 300)
            #expect(stored.1 == value)
        }
    }

    @Test("grow() doubles the map")
    func growDoubles() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions(mapSize: 1 << 20))
            try environment.grow()
            #expect(environment.mapSize == 2 << 20)
            try environment.grow()
            #expect(environment.mapSize == 4 << 20)
        }
    }

    @Test("copy(to:compact:) makes an environment that opens on its own and holds the data", arguments: [false, true])
    func copyHoldsTheData(compact: Bool) throws {
        try withTemporaryDirectory { directory in
            let source = try makeDirectory(directory, "source")
            let target = try makeDirectory(directory, "copy")
            do {
                let environment = try Environment(path: source, options: smallOptions())
                let db = try environment.openDatabase("events")
                try environment.write { txn throws in
                    for index in 1...200 {
                        try txn.put(db, key: key(UInt64(index)), value: bytes("event \(index)"))
                    }
                }
                // Deleted entries leave free pages that a compacting copy leaves out.
                try environment.write { txn throws in
                    for index in 101...200 { try txn.delete(db, key: key(UInt64(index))) }
                }
                try environment.copy(to: target, compact: compact)
                // The source is still live after the copy.
                try environment.write { txn throws in try txn.put(db, key: key(1000), value: bytes("after copy")) }
            }
            #expect(FileManager.default.fileExists(atPath: (target as NSString).appendingPathComponent("data.mdb")))
            let copy = try Environment(path: target, options: smallOptions())
            let db = try copy.openDatabase("events", flags: [])
            try copy.read { txn throws in
                #expect(try txn.count(db) == 100)
                #expect(try txn.get(db, key: key(1)) == bytes("event 1"))
                #expect(try txn.get(db, key: key(100)) == bytes("event 100"))
                #expect(try txn.get(db, key: key(150)) == nil)
                #expect(try txn.get(db, key: key(1000)) == nil)
            }
        }
    }

    @Test("copy(to:) into a directory that does not exist fails")
    func copyToMissingDirectoryFails() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let missing = (directory as NSString).appendingPathComponent("missing")
            let error = #expect(throws: LMDBError.self) { try environment.copy(to: missing, compact: true) }
            #expect(error?.operation.contains("mdb_env_copy2") == true)
        }
    }

    @Test("checkStaleReaders returns without error and finds no dead readers")
    func staleReaders() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("x")
            try environment.write { txn throws in try txn.put(db, key: bytes("a"), value: bytes("1")) }
            _ = try environment.read { txn throws in try txn.get(db, key: bytes("a")) }
            #expect(try environment.checkStaleReaders() == 0)
        }
    }

    @Test("sync() flushes an environment opened with noSync, and the data is there after reopening")
    func syncWithNoSync() throws {
        try withTemporaryDirectory { directory in
            var options = smallOptions()
            options.flags = [.noTLS, .noSync]
            do {
                let environment = try Environment(path: directory, options: options)
                let db = try environment.openDatabase("x")
                try environment.write { txn throws in try txn.put(db, key: bytes("a"), value: bytes("synced")) }
                try environment.sync()
                try environment.sync(force: false)
            }
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("x", flags: [])
            #expect(try environment.read { txn throws in try txn.get(db, key: bytes("a")) } == bytes("synced"))
        }
    }

    @Test("an environment opened with .readOnly can open an existing database and read it")
    func readOnlyEnvironmentCanRead() throws {
        let read = try withTemporaryDirectory { directory -> Result<[UInt8]?, any Error> in
            try seed(directory, database: "things", key: "k", value: "v")
            var options = smallOptions()
            options.flags = [.noTLS, .readOnly]
            let environment = try Environment(path: directory, options: options)
            // Writing must be refused in a read-only environment.
            let writeError = #expect(throws: LMDBError.self) { try environment.write { _ in } }
            #expect(writeError?.code.rawValue == EACCES)
            return Result { try readValue(environment, database: "things", key: "k") }
        }
        #expect(try read.get() == bytes("v"))
    }

    @Test("LMDBError describes the operation, LMDB's message and code")
    func errorDescription() {
        let error = LMDBError(code: .mapFull, operation: "mdb_put(events)")
        #expect(error.message.contains("MDB_MAP_FULL"))
        #expect(error.description.hasPrefix("mdb_put(events): "))
        #expect(error.description.hasSuffix("(\(LMDBError.Code.mapFull.rawValue))"))
        #expect(LMDBError.Code.keyExist.rawValue == -30799)
        #expect(LMDBError.Code.mapFull.rawValue == -30792)
        #expect(LMDBError.Code(rawValue: -30799) == .keyExist)
    }
}

/// MDB_NOTFOUND (-30798): LMDB's "no such key" code, returned by mdb_dbi_open without MDB_CREATE.
let MDB_NOTFOUND_CODE: Int32 = -30798

/// Creates (or opens) the environment at `directory` and stores one value, then closes it.
private func seed(_ directory: String, database: String, key: String, value: String) throws {
    let environment = try Environment(path: directory, options: smallOptions())
    let db = try environment.openDatabase(database)
    try environment.write { txn throws in try txn.put(db, key: bytes(key), value: bytes(value)) }
}

/// Opens an existing database without creating it and reads one value.
private func readValue(_ environment: Environment, database: String, key: String) throws -> [UInt8]? {
    let db = try environment.openDatabase(database, flags: [])
    return try environment.read { txn throws in try txn.get(db, key: bytes(key)) }
}
