import Foundation
import LMDB
import TestSupport
import Testing

@Suite("LMDB cursors")
struct CursorTests {
    /// Runs `body` in a read transaction over a database holding keys 10, 20, 30, 40, 50
    /// (big-endian u64) with values "v10" … "v50".
    private func withTens<T>(_ body: (Cursor) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("tens")
            try environment.write { txn throws in
                // Written out of order on purpose: the cursor must follow key order.
                for number: UInt64 in [30, 10, 50, 20, 40] {
                    try txn.put(db, key: key(number), value: bytes("v\(number)"))
                }
            }
            return try environment.read { txn throws in try txn.withCursor(db, body) }
        }
    }

    @Test("first, next, last, previous and current walk the keys in order")
    func walkInOrder() throws {
        let (forwards, backwards, edges) = try withTens { cursor -> ([UInt64], [UInt64], [Bool]) in
            var forwards = [UInt64]()
            var entry = try cursor.first()
            while let current = entry {
                forwards.append(current.number)
                entry = try cursor.next()
            }
            var backwards = [UInt64]()
            entry = try cursor.last()
            while let current = entry {
                backwards.append(current.number)
                entry = try cursor.previous()
            }
            let firstValue = try cursor.first()?.text
            let nextValue = try cursor.next()?.text
            let currentValue = try cursor.current()?.text
            let lastValue = try cursor.last()?.text
            let pastEnd = try cursor.next()
            return (
                forwards, backwards,
                [firstValue == "v10", nextValue == "v20", currentValue == "v20", lastValue == "v50", pastEnd == nil]
            )
        }
        #expect(forwards == [10, 20, 30, 40, 50])
        #expect(backwards == [50, 40, 30, 20, 10])
        #expect(edges == [true, true, true, true, true])
    }

    @Test("previous at the first key is nil, and next at the last key is nil")
    func movesOffTheEnds() throws {
        let (beforeFirst, afterLast) = try withTens { cursor in
            _ = try cursor.first()
            let beforeFirst = try cursor.previous()
            _ = try cursor.last()
            let afterLast = try cursor.next()
            return (beforeFirst == nil, afterLast == nil)
        }
        #expect(beforeFirst)
        #expect(afterLast)
    }

    @Test(
        "seek(atLeast:) lands on the first key >= the one asked for",
        arguments: [(0, 10), (10, 10), (25, 30), (50, 50), (51, nil)] as [(UInt64, UInt64?)])
    func seekAtLeast(wanted: UInt64, expected: UInt64?) throws {
        let (found, value) = try withTens { cursor in
            let entry = try cursor.seek(atLeast: key(wanted))
            return (entry?.number, entry?.text)
        }
        #expect(found == expected)
        #expect(value == expected.map { "v\($0)" })
    }

    @Test(
        "seek(atMost:) lands on the last key <= the one asked for",
        arguments: [(5, nil), (10, 10), (25, 20), (30, 30), (49, 40), (50, 50), (UInt64.max, 50)] as [(UInt64, UInt64?)]
    )
    func seekAtMost(wanted: UInt64, expected: UInt64?) throws {
        let (found, value) = try withTens { cursor in
            let entry = try cursor.seek(atMost: key(wanted))
            return (entry?.number, entry?.text)
        }
        #expect(found == expected)
        #expect(value == expected.map { "v\($0)" })
    }

    @Test("after a seek, next and previous continue from where the cursor landed")
    func movesAfterSeek() throws {
        let moves = try withTens { cursor -> [UInt64?] in
            var moves = [UInt64?]()
            moves.append(try cursor.seek(atLeast: key(25))?.number)  // 30
            moves.append(try cursor.next()?.number)  // 40
            moves.append(try cursor.seek(atMost: key(25))?.number)  // 20
            moves.append(try cursor.previous()?.number)  // 10
            moves.append(try cursor.seek(atMost: key(99))?.number)  // 50, through last()
            moves.append(try cursor.previous()?.number)  // 40
            moves.append(try cursor.seek(atLeast: key(41))?.number)  // 50
            moves.append(try cursor.current()?.number)  // 50
            return moves
        }
        #expect(moves == [30, 40, 20, 10, 50, 40, 50, 50])
    }

    @Test("a cursor over an empty database finds nothing")
    func emptyDatabase() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("empty")
            let results = try environment.read { txn throws in
                try txn.withCursor(db) { cursor in
                    [
                        try cursor.first() == nil, try cursor.last() == nil,
                        try cursor.seek(atLeast: key(1)) == nil, try cursor.seek(atMost: key(1)) == nil,
                    ]
                }
            }
            #expect(results == [true, true, true, true])
        }
    }

    @Test("a cursor in a write transaction sees the transaction's own writes")
    func cursorInWriteTransaction() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("log")
            let seen = try environment.write { txn -> [UInt64] in
                for index: UInt64 in 1...3 { try txn.put(db, key: key(index), value: bytes("e"), flags: .append) }
                return try txn.withCursor(db) { cursor in
                    var seen = [UInt64]()
                    var entry = try cursor.last()
                    while let current = entry {
                        seen.append(current.number)
                        entry = try cursor.previous()
                    }
                    return seen
                }
            }
            #expect(seen == [3, 2, 1])
        }
    }

    @Test("variable-length keys sort bytewise, so a prefix sorts before its extensions")
    func bytewiseOrder() throws {
        try withTemporaryDirectory { directory in
            let environment = try Environment(path: directory, options: smallOptions())
            let db = try environment.openDatabase("names")
            try environment.write { txn throws in
                for name in ["service/b", "service/a", "route/x", "service/a\u{0}1", "service/ab"] {
                    try txn.put(db, key: bytes(name), value: bytes(name))
                }
            }
            let order = try environment.read { txn throws in
                try txn.withCursor(db) { cursor -> [String] in
                    var names = [String]()
                    var entry = try cursor.seek(atLeast: bytes("service/"))
                    while let current = entry {
                        names.append(current.text)
                        entry = try cursor.next()
                    }
                    return names
                }
            }
            #expect(order == ["service/a", "service/a\u{0}1", "service/ab", "service/b"])
        }
    }
}
