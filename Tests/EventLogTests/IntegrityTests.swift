import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// A u64 as the `events` table's big-endian key.
func sequenceKey(_ sequence: UInt64) -> [UInt8] {
    withUnsafeBytes(of: sequence.bigEndian) { Array($0) }
}

/// Opens the log's LMDB environment directly (the store must be closed and released) and lets
/// `body` change the stored bytes of event `sequence` in the `events` database.
func tamper(_ directory: String, event sequence: UInt64, _ body: (inout [UInt8]) throws -> Void) throws {
    let environment = try Environment(path: directory)
    let events = try environment.openDatabase("events", flags: [])
    try environment.write { txn throws in
        var bytes = try #require(try txn.get(events, key: sequenceKey(sequence)), "event \(sequence) is not stored")
        try body(&bytes)
        try txn.put(events, key: sequenceKey(sequence), value: bytes)
    }
}

/// Flips the lowest bit of the last byte of `numberedPayload(number)` inside event `number`.
func flipPayloadByte(_ directory: String, event number: UInt64) throws {
    try tamper(directory, event: number) { bytes throws in
        let marker = numberedPayload(Int(number))
        let range = try #require(bytes.firstRange(of: marker), "the payload of event \(number) is not in its bytes")
        bytes[range.upperBound - 1] ^= 0x01
    }
}

/// Writes ten numbered events into a new log at `directory`, with two checkpoints and two
/// idempotency keys (on events 2 and 7), then closes it.
func makeTenEventLog(_ directory: String) async throws {
    try await withStore(directory) { store async throws in
        try await appendNumbered(store, count: 1)
        _ = try await store.append(
            request([event("Numbered", entities: ["entity/2"], payload: numberedPayload(2))], key: "early", digest: [2])
        )
        try await appendNumbered(store, count: 4, from: 3)
        _ = try await store.append(
            request([event("Numbered", entities: ["entity/1"], payload: numberedPayload(7))], key: "late", digest: [7]))
        try await appendNumbered(store, count: 3, from: 8)
        try await store.saveCheckpoint(sequence: 3, state: Array("at 3".utf8))
        try await store.saveCheckpoint(sequence: 8, state: Array("at 8".utf8))
        #expect(store.head == 10)
    }
}

@Suite("Verifying, detecting corruption and repairing")
struct IntegrityTests {
    @Test("verify on a good log is valid and checks every event")
    func verifyGoodLog() async throws {
        try await withTemporaryDirectory { root async throws in
            try await makeTenEventLog(root.sub("log"))
            try await withStore(root.sub("log")) { store async throws in
                let report = try store.verify()
                #expect(report.isValid)
                #expect(report.checked == 10)
                #expect(report.head == 10)
                #expect(report.firstBad == nil)
                #expect(report.problem == nil)
                #expect(report.dropped == nil)
                // Repair on a good log changes nothing.
                #expect(try store.repair() == report)
                #expect(store.head == 10)
            }
        }
    }

    @Test("one flipped payload byte in event 5 of 10: verify names event 5, open refuses, repair truncates to 4")
    func corruptionDetectedAndRepaired() async throws {
        try await withTemporaryDirectory { root async throws in
            let directory = root.sub("log")
            try await makeTenEventLog(directory)
            try flipPayloadByte(directory, event: 5)

            // Opening with the defaults refuses the damaged tail and says how to recover.
            let error = #expect(throws: EventLogError.self) { _ = try LMDBEventStore(directory: directory) }
            #expect(error?.code == .corrupt)
            #expect(error?.sequence == 5)
            #expect(error?.message.contains("event 5 ") == true)
            #expect(error?.message.contains("logbook verify --repair") == true)
            #expect(error?.message.contains("checksum") == true)

            var options = testOptions()
            options.refuseCorruptTail = false
            try await withStore(directory, options) { store async throws in
                let report = try store.verify()
                #expect(report.firstBad == 5)
                #expect(report.checked == 4)
                #expect(report.head == 10)
                #expect(report.isValid == false)
                #expect(report.problem?.contains("checksum") == true)

                let repaired = try store.repair()
                #expect(repaired.firstBad == 5)
                #expect(repaired.dropped == 5...10)
                #expect(repaired.head == 4)
                #expect(store.head == 4)

                let after = try store.verify()
                #expect(after.isValid)
                #expect(after.checked == 4)
                #expect(after.head == 4)
                #expect(try store.envelope(at: 5) == nil)
                // The indexes and checkpoints that pointed past event 4 are gone too.
                #expect(try store.sequence(atOrBefore: .max) == 4)
                #expect(try store.envelopes(EventQuery()).envelopes.map(\.sequence) == [1, 2, 3, 4])
                #expect(
                    try store.envelopes(
                        {
                            var q = EventQuery(); q.entity = "entity/1"; return q
                        }()
                    )
                    .envelopes.map(\.sequence) == [1, 4])
                #expect(
                    try store.envelopes(
                        {
                            var q = EventQuery(); q.since = 0; q.descending = true; return q
                        }()
                    )
                    .envelopes.map(\.sequence) == [4, 3, 2, 1])
                #expect(try store.checkpoint(atOrBefore: 10)?.sequence == 3)
                #expect(try store.idempotencyRecord(for: "early")?.sequences == 2...2)
                #expect(try store.idempotencyRecord(for: "late") == nil)

                // Appending continues at 5, chained to event 4.
                let appended = try await store.append(request([event("AfterRepair")]))
                #expect(appended.sequences == 5...5)
                let fourth = try #require(try store.envelope(at: 4))
                let fifth = try #require(try store.envelope(at: 5))
                #expect(fifth.previousHash == fourth.hash)
                #expect(fifth.type == "AfterRepair")
                // The dropped request's key is free again.
                let retried = try await store.append(request([event("Again")], key: "late", digest: [7]))
                #expect(retried.replayed == false)
                #expect(retried.sequences == 6...6)
                #expect(try store.verify().checked == 6)
            }
            // The repaired log opens with the default options.
            try await withStore(directory) { store async throws in
                #expect(store.head == 6)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("damage that breaks the chain, not the checksum, is found at the event whose link is wrong")
    func brokenLink() async throws {
        try await withTemporaryDirectory { root async throws in
            let directory = root.sub("log")
            try await makeTenEventLog(directory)
            // Swap event 6's bytes for event 7's under key 6: a valid envelope in the wrong place.
            let seven: [UInt8] = try {
                let environment = try Environment(path: directory)
                let events = try environment.openDatabase("events", flags: [])
                return try #require(try environment.read { txn throws in try txn.get(events, key: sequenceKey(7)) })
            }()
            try tamper(directory, event: 6) { bytes throws in bytes = seven }
            let error = #expect(throws: EventLogError.self) { _ = try LMDBEventStore(directory: directory) }
            #expect(error?.code == .corrupt)
            #expect(error?.sequence == 6)
            var options = testOptions()
            options.refuseCorruptTail = false
            try await withStore(directory, options) { store async throws in
                let report = try store.verify()
                #expect(report.firstBad == 6)
                #expect(report.checked == 5)
                #expect(report.problem?.contains("event 7") == true)
            }
        }
    }

    @Test("a corrupt event in the tail window is refused, one before it is left to verify")
    func tailCheckWindow() async throws {
        try await withTemporaryDirectory { root async throws in
            let directory = root.sub("log")
            try await makeTenEventLog(directory)
            try flipPayloadByte(directory, event: 5)
            var narrow = testOptions()
            narrow.tailCheckCount = 3
            // Events 8...10 are checked at open; event 5 is not.
            try await withStore(directory, narrow) { store async throws in
                #expect(store.head == 10)
                #expect(try store.verify().firstBad == 5)
            }
            narrow.tailCheckCount = 6
            let error = #expect(throws: EventLogError.self) {
                _ = try LMDBEventStore(directory: directory, options: narrow)
            }
            #expect(error?.sequence == 5)
        }
    }

    @Test("corruption of the last event is refused at open and repaired away")
    func corruptLastEvent() async throws {
        try await withTemporaryDirectory { root async throws in
            let directory = root.sub("log")
            try await makeTenEventLog(directory)
            try flipPayloadByte(directory, event: 10)
            let error = #expect(throws: EventLogError.self) { _ = try LMDBEventStore(directory: directory) }
            #expect(error?.sequence == 10)
            #expect(error?.message.contains("event 10 of 10") == true)
            var options = testOptions()
            options.refuseCorruptTail = false
            try await withStore(directory, options) { store async throws in
                let report = try store.repair()
                #expect(report.dropped == 10...10)
                #expect(store.head == 9)
                let next = try await store.append(request([event()]))
                #expect(next.sequences == 10...10)
                #expect(try store.envelope(at: 10)?.previousHash == store.envelope(at: 9)?.hash)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("a truncated envelope is reported as corrupt, not read past its end")
    func truncatedEnvelope() async throws {
        try await withTemporaryDirectory { root async throws in
            let directory = root.sub("log")
            try await makeTenEventLog(directory)
            try tamper(directory, event: 8) { bytes throws in bytes.removeLast(40) }
            var options = testOptions()
            options.refuseCorruptTail = false
            try await withStore(directory, options) { store async throws in
                let report = try store.verify()
                #expect(report.firstBad == 8)
                #expect(report.problem?.contains("truncated") == true)
                #expect(throws: EventLogError.self) { _ = try store.envelope(at: 8) }
            }
        }
    }
}
