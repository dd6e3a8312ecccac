import Foundation
import LMDB
import TestSupport
import Testing

@Suite("LMDB transactions")
struct TransactionTests {
    @Test("put, get and delete in closure-scoped transactions")
    func putGetDelete() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            let returned = try environment.write { txn -> String in
                try txn.put(db, key: bytes("alpha"), value: bytes("one"))
                try txn.put(db, key: bytes("beta"), value: bytes("two"))
                // A write transaction reads its own writes.
                #expect(try txn.get(db, key: bytes("alpha")) == bytes("one"))
                return "done"
            }
            #expect(returned == "done")
            try environment.read { txn throws in
                #expect(try txn.get(db, key: bytes("alpha")) == bytes("one"))
                #expect(try txn.get(db, key: bytes("beta")) == bytes("two"))
                #expect(try txn.get(db, key: bytes("gamma")) == nil)
                #expect(try txn.count(db) == 2)
            }
            // Overwrite, then delete.
            try environment.write { txn throws in try txn.put(db, key: bytes("alpha"), value: bytes("uno")) }
            #expect(try environment.read { txn throws in try txn.get(db, key: bytes("alpha")) } == bytes("uno"))
            let deleted = try environment.write { txn throws in
                (try txn.delete(db, key: bytes("alpha")), try txn.delete(db, key: bytes("alpha")))
            }
            #expect(deleted.0 == true)
            #expect(deleted.1 == false)
            try environment.read { txn throws in
                #expect(try txn.get(db, key: bytes("alpha")) == nil)
                #expect(try txn.count(db) == 1)
            }
        }
    }

    @Test("empty values and binary keys round-trip")
    func emptyAndBinaryValues() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            let binaryKey: [UInt8] = [0, 255, 0, 1]
            try environment.write { txn throws in
                try txn.put(db, key: binaryKey, value: [UInt8]())
                try txn.put(db, key: bytes("bin"), value: [0, 0, 7, 255] as [UInt8])
            }
            try environment.read { txn throws in
                #expect(try txn.get(db, key: binaryKey) == [])
                #expect(try txn.get(db, key: bytes("bin")) == [0, 0, 7, 255])
            }
        }
    }

    @Test("withValue lends the stored bytes in place, and nil for a missing key")
    func withValueInPlace() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            try environment.write { txn throws in try txn.put(db, key: bytes("k"), value: bytes("hello")) }
            let (count, first, missing) = try environment.read { txn throws in
                let seen = try txn.withValue(db, key: bytes("k")) { buffer in
                    (buffer?.count ?? -1, buffer?.first ?? 0)
                }
                let missing = try txn.withValue(db, key: bytes("nope")) { $0 == nil }
                return (seen.0, seen.1, missing)
            }
            #expect(count == 5)
            #expect(first == UInt8(ascii: "h"))
            #expect(missing)
        }
    }

    @Test("a write body that throws aborts the transaction: nothing is written")
    func throwingWriteAborts() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            try environment.write { txn throws in try txn.put(db, key: bytes("kept"), value: bytes("before")) }
            #expect(throws: Rollback()) {
                try environment.write { txn throws in
                    try txn.put(db, key: bytes("new"), value: bytes("lost"))
                    try txn.put(db, key: bytes("kept"), value: bytes("changed"))
                    _ = try txn.delete(db, key: bytes("kept"))
                    throw Rollback()
                }
            }
            try environment.read { txn throws in
                #expect(try txn.get(db, key: bytes("new")) == nil)
                #expect(try txn.get(db, key: bytes("kept")) == bytes("before"))
                #expect(try txn.count(db) == 1)
            }
            // The environment still takes writes after an aborted one.
            try environment.write { txn throws in try txn.put(db, key: bytes("next"), value: bytes("ok")) }
            #expect(try environment.read { txn throws in try txn.count(db) } == 2)
        }
    }

    @Test("clear removes every entry but keeps the database")
    func clearEmptiesDatabase() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            try environment.write { txn throws in
                for index in 0..<10 { try txn.put(db, key: key(UInt64(index)), value: bytes("v")) }
            }
            try environment.write { txn throws in try txn.clear(db) }
            #expect(try environment.read { txn throws in try txn.count(db) } == 0)
            try environment.write { txn throws in try txn.put(db, key: key(1), value: bytes("again")) }
            #expect(try environment.read { txn throws in try txn.get(db, key: key(1)) } == bytes("again"))
        }
    }

    @Test("a read transaction sees a snapshot: a write committed meanwhile is not visible in it")
    func readSnapshotIsolation() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            try environment.write { txn throws in try txn.put(db, key: bytes("k"), value: bytes("old")) }
            let (before, during) = try environment.read { txn throws in
                let before = try txn.get(db, key: bytes("k"))
                // MDB_NOTLS lets this thread commit a write while its read transaction is open.
                try environment.write { write in try write.put(db, key: bytes("k"), value: bytes("new")) }
                return (before, try txn.get(db, key: bytes("k")))
            }
            #expect(before == bytes("old"))
            #expect(during == bytes("old"))
            #expect(try environment.read { txn throws in try txn.get(db, key: bytes("k")) } == bytes("new"))
        }
    }

    @Test("MDB_APPEND in key order succeeds; an out-of-order or repeated key fails with keyExist")
    func appendRequiresOrder() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("log")
            try environment.write { txn throws in
                for index in 1...5 {
                    try txn.put(db, key: key(UInt64(index)), value: bytes("e\(index)"), flags: .append)
                }
            }
            let outOfOrder = #expect(throws: LMDBError.self) {
                try environment.write { txn throws in
                    try txn.put(db, key: key(6), value: bytes("e6"), flags: .append)
                    try txn.put(db, key: key(3), value: bytes("rewrite"), flags: .append)
                }
            }
            #expect(outOfOrder?.code == .keyExist)
            #expect(outOfOrder?.operation == "mdb_put(log)")
            let repeated = #expect(throws: LMDBError.self) {
                try environment.write { txn throws in
                    try txn.put(db, key: key(5), value: bytes("again"), flags: .append)
                }
            }
            #expect(repeated?.code == .keyExist)
            // The failed transactions wrote nothing, not even the in-order key 6.
            try environment.read { txn throws in
                #expect(try txn.count(db) == 5)
                #expect(try txn.get(db, key: key(3)) == bytes("e3"))
                #expect(try txn.get(db, key: key(5)) == bytes("e5"))
                #expect(try txn.get(db, key: key(6)) == nil)
            }
        }
    }

    @Test("noOverwrite refuses an existing key with keyExist")
    func noOverwrite() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            try environment.write { txn throws in
                try txn.put(db, key: bytes("k"), value: bytes("first"), flags: .noOverwrite)
            }
            let error = #expect(throws: LMDBError.self) {
                try environment.write { txn throws in
                    try txn.put(db, key: bytes("k"), value: bytes("second"), flags: .noOverwrite)
                }
            }
            #expect(error?.code == .keyExist)
            #expect(try environment.read { txn throws in try txn.get(db, key: bytes("k")) } == bytes("first"))
        }
    }

    @Test("reads and writes from many threads at once see consistent data")
    func concurrentReaders() async throws {
        try await withTemporaryDirectory { directory async throws in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("kv")
            try environment.write { txn throws in
                for index in 0..<100 { try txn.put(db, key: key(UInt64(index)), value: key(UInt64(index * 2))) }
            }
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for task in 0..<16 {
                    group.addTask {
                        if task % 4 == 0 {
                            try environment.write { txn throws in
                                try txn.put(db, key: key(UInt64(1000 + task)), value: bytes("w"))
                            }
                            return true
                        }
                        return try environment.read { txn throws in
                            try (0..<100).allSatisfy { index in
                                try txn.get(db, key: key(UInt64(index))) == key(UInt64(index * 2))
                            }
                        }
                    }
                }
                for try await ok in group { #expect(ok) }
            }
            #expect(try environment.read { txn throws in try txn.count(db) } == 104)
        }
    }
}
