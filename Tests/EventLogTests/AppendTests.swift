import EventLog
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("Appending to the event log")
struct AppendTests {
    @Test("a new log is empty: head 0, no envelopes, a log id")
    func newLogIsEmpty() async throws {
        try await withTemporaryDirectory { root async throws in
            let logID = try await withStore(root.sub("log")) { store async throws in
                #expect(store.head == 0)
                #expect(try store.envelope(at: 1) == nil)
                #expect(try store.envelopes(EventQuery()).envelopes.isEmpty)
                let report = try store.verify()
                #expect(report.isValid)
                #expect(report.checked == 0)
                #expect(report.head == 0)
                #expect(!store.logID.isEmpty)
                return store.logID
            }
            // The log id is kept in `meta`: the same after reopening.
            try await withStore(root.sub("log")) { store async throws in #expect(store.logID == logID) }
        }
    }

    @Test("append assigns sequences 1...n without gaps, and head follows")
    func sequencesWithoutGaps() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                let first = try await store.append(request([event(), event(), event()]))
                #expect(first.sequences == 1...3)
                #expect(first.head == 3)
                #expect(first.replayed == false)
                #expect(store.head == 3)
                let second = try await store.append(request([event()]))
                #expect(second.sequences == 4...4)
                #expect(store.head == 4)
                let more = try await appendNumbered(store, count: 6)
                #expect(more.map { $0.sequences } == (5...10).map { UInt64($0)...UInt64($0) })
                #expect(more.map(\.head) == Array(5...10))
                #expect(store.head == 10)
                let envelopes = try allEnvelopes(store)
                #expect(envelopes.map(\.sequence) == Array(1...10))
            }
        }
    }

    @Test("the head, its hash and the time survive closing and reopening")
    func headSurvivesReopen() async throws {
        try await withTemporaryDirectory { root async throws in
            let clock = ManualClock(5_000)
            var options = testOptions(clock: clock.function)
            try await withStore(root.sub("log"), options) { store async throws in
                try await appendNumbered(store, count: 3)
            }
            // A clock that went backwards while the log was closed.
            clock.set(1_000)
            options = testOptions(clock: clock.function)
            try await withStore(root.sub("log"), options) { store async throws in
                #expect(store.head == 3)
                let result = try await store.append(request([event()]))
                #expect(result.sequences == 4...4)
                let third = try #require(try store.envelope(at: 3))
                let fourth = try #require(try store.envelope(at: 4))
                #expect(fourth.previousHash == third.hash)
                #expect(fourth.recordedAt == 5_000)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("envelopes carry what was appended, and chain: each previousHash is the previous hash")
    func envelopesChain() async throws {
        try await withTemporaryDirectory { root async throws in
            let clock = ManualClock(1_700_000_000_123)
            try await withStore(root.sub("log"), testOptions(clock: clock.function)) { store async throws in
                _ = try await store.append(
                    request(
                        [
                            event(
                                "ServiceRegistered", entities: ["service/rest-api"], payload: [0, 1, 2, 255],
                                schema: 3),
                            event("ProxyConnected", kind: .observation, entities: ["proxy/p1", "service/rest-api"]),
                        ], actor: "alice", requestID: "r-1"))
                try await appendNumbered(store, count: 8)
                let envelopes = try allEnvelopes(store)
                #expect(envelopes.count == 10)
                let first = envelopes[0]
                #expect(first.sequence == 1)
                #expect(first.previousHash == Envelope.genesisHash)
                #expect(first.type == "ServiceRegistered")
                #expect(first.kind == .configuration)
                #expect(first.schemaVersion == 3)
                #expect(first.actor == "alice")
                #expect(first.requestID == "r-1")
                #expect(first.entities == ["service/rest-api"])
                #expect(first.payload == [0, 1, 2, 255])
                #expect(first.recordedAt == 1_700_000_000_123)
                #expect(envelopes[1].kind == .observation)
                #expect(envelopes[1].entities == ["proxy/p1", "service/rest-api"])
                for (previous, current) in zip(envelopes, envelopes.dropFirst()) {
                    #expect(current.previousHash == previous.hash)
                }
                #expect(Set(envelopes.map(\.hash)).count == 10)
                #expect(envelopes.allSatisfy { $0.hash.count == 32 && $0.hash != Envelope.genesisHash })
            }
        }
    }

    @Test("an empty request writes nothing and answers no sequences")
    func emptyRequest() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 2)
                let result = try await store.append(request([]))
                #expect(result.sequences == nil)
                #expect(result.head == 2)
                #expect(store.head == 2)
                let next = try await store.append(request([event()]))
                #expect(next.sequences == 3...3)
            }
        }
    }

    @Test("an expectedHead that does not match fails with .conflict and writes nothing")
    func expectedHeadConflict() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 2)
                let error = await #expect(throws: EventLogError.self) {
                    try await store.append(request([event(), event()], expectedHead: 1))
                }
                #expect(error?.code == .conflict)
                #expect(error?.head == 2)
                #expect(error?.message.contains("expected head 1") == true)
                #expect(store.head == 2)
                #expect(try store.envelope(at: 3) == nil)
                #expect(try store.envelopes(EventQuery()).envelopes.count == 2)
                // The right expected head goes through.
                let ok = try await store.append(request([event()], expectedHead: 2))
                #expect(ok.sequences == 3...3)
                // An empty log's head is 0.
                let ahead = await #expect(throws: EventLogError.self) {
                    try await store.append(request([event()], expectedHead: 0))
                }
                #expect(ahead?.code == .conflict)
                #expect(store.head == 3)
            }
        }
    }

    @Test("an idempotency key retried returns the first answer, replayed, and the head does not move")
    func idempotentRetry() async throws {
        try await withTemporaryDirectory { root async throws in
            let clock = ManualClock(10_000)
            let options = testOptions(clock: clock.function)
            try await withStore(root.sub("log"), options) { store async throws in
                try await appendNumbered(store, count: 1)
                let original = request([event(), event()], key: "create-rest-api", digest: [1, 2, 3])
                let first = try await store.append(original)
                #expect(first.sequences == 2...3)
                #expect(first.replayed == false)
                clock.set(20_000)
                let retry = try await store.append(original)
                #expect(retry.sequences == 2...3)
                #expect(retry.head == 3)
                #expect(retry.recordedAt == 10_000)
                #expect(retry.replayed == true)
                #expect(store.head == 3)
                // A retry is answered from the key even when its expected head is stale.
                var stale = original
                stale.expectedHead = 0
                #expect(try await store.append(stale).replayed)
                #expect(store.head == 3)
                let record = try #require(try store.idempotencyRecord(for: "create-rest-api"))
                #expect(
                    record
                        == IdempotencyRecord(sequences: 2...3, head: 3, recordedAt: 10_000, requestDigest: [1, 2, 3]))
                #expect(try store.idempotencyRecord(for: "never-used") == nil)
            }
            // The key is kept on disk.
            try await withStore(root.sub("log"), options) { store async throws in
                let retry = try await store.append(request([event()], key: "create-rest-api", digest: [1, 2, 3]))
                #expect(retry.replayed)
                #expect(retry.sequences == 2...3)
                #expect(store.head == 3)
            }
        }
    }

    @Test("an idempotency key reused with a different request digest fails with .idempotencyMismatch")
    func idempotencyMismatch() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                _ = try await store.append(request([event()], key: "k", digest: Array("first".utf8)))
                let error = await #expect(throws: EventLogError.self) {
                    try await store.append(request([event(), event()], key: "k", digest: Array("second".utf8)))
                }
                #expect(error?.code == .idempotencyMismatch)
                #expect(error?.message.contains("'k'") == true)
                #expect(store.head == 1)
                #expect(try store.envelope(at: 2) == nil)
            }
        }
    }

    @Test("an idempotency key used for an empty request replays with no sequences")
    func idempotentEmptyRequest() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 2)
                let first = try await store.append(request([], key: "noop", digest: [9]))
                #expect(first.sequences == nil)
                #expect(first.replayed == false)
                try await appendNumbered(store, count: 1, from: 3)
                let retry = try await store.append(request([], key: "noop", digest: [9]))
                #expect(retry.sequences == nil)
                #expect(retry.head == 2)
                #expect(retry.replayed)
                #expect(store.head == 3)
            }
        }
    }

    @Test("an event that cannot be encoded fails with .invalidEvent and nothing of its request is written")
    func invalidEvent() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 1)
                let tooLong = String(repeating: "x", count: 70_000)
                let error = await #expect(throws: EventLogError.self) {
                    try await store.append(request([event(), event(tooLong)]))
                }
                #expect(error?.code == .invalidEvent)
                #expect(error?.message.contains("type") == true)
                let badActor = await #expect(throws: EventLogError.self) {
                    try await store.append(request([event()], actor: tooLong))
                }
                #expect(badActor?.code == .invalidEvent)
                #expect(store.head == 1)
                #expect(try store.envelope(at: 2) == nil)
                #expect(try await store.append(request([event()])).sequences == 2...2)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("64 concurrent appenders all succeed, with sequences exactly 1...64", .timeLimit(.minutes(1)))
    func concurrentAppenders() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                let results = try await withThrowingTaskGroup(of: (Int, AppendResult).self) { group in
                    for task in 0..<64 {
                        group.addTask {
                            let result = try await store.append(
                                request(
                                    [event("Concurrent", payload: Array("task-\(task)".utf8))], actor: "task-\(task)"))
                            return (task, result)
                        }
                    }
                    var results = [(Int, AppendResult)]()
                    for try await result in group { results.append(result) }
                    return results
                }
                #expect(results.count == 64)
                let sequences = results.compactMap { $0.1.sequences }
                #expect(sequences.allSatisfy { $0.count == 1 })
                #expect(sequences.map(\.lowerBound).sorted() == Array(1...64))
                #expect(results.allSatisfy { !$0.1.replayed })
                #expect(store.head == 64)
                // Each task's event sits at the sequence it was told.
                for (task, result) in results {
                    let sequence = try #require(result.sequences).lowerBound
                    let envelope = try #require(try store.envelope(at: sequence))
                    #expect(envelope.payload == Array("task-\(task)".utf8))
                    #expect(envelope.actor == "task-\(task)")
                }
                let report = try store.verify()
                #expect(report.isValid)
                #expect(report.checked == 64)
            }
        }
    }

    @Test("group commit: jobs queued behind a commit go to disk together in one batch")
    func groupCommitBatches() async throws {
        try await withTemporaryDirectory { root async throws in
            let gate = GateClock()
            try await withStore(root.sub("log"), testOptions(clock: gate.function)) { store async throws in
                let completions = Completions()
                store.enqueue(request([event()], requestID: "first"), completion: completions.callback(0))
                try #require(gate.waitUntilHeld(), "the writer never started the first commit")
                for index in 1...20 {
                    store.enqueue(
                        request([event()], requestID: "queued-\(index)"), completion: completions.callback(index))
                }
                gate.release()
                let outcomes = try await completions.wait(for: 21)
                // One commit for the first job, one for the 20 queued behind it.
                #expect(gate.commits == 2)
                #expect(outcomes[0]?.value?.sequences == 1...1)
                #expect(outcomes[0]?.value?.recordedAt == 1000)
                for index in 1...20 {
                    let result = try #require(outcomes[index]?.value)
                    // Call order is kept: the nth queued job gets sequence n + 1.
                    #expect(result.sequences == UInt64(index + 1)...UInt64(index + 1))
                    #expect(result.recordedAt == 2000)
                }
                let envelopes = try allEnvelopes(store)
                #expect(envelopes.map(\.recordedAt) == [1000] + Array(repeating: 2000, count: 20))
                #expect(envelopes.map(\.requestID) == ["first"] + (1...20).map { "queued-\($0)" })
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("group commit takes at most maxBatch jobs at once")
    func groupCommitRespectsMaxBatch() async throws {
        try await withTemporaryDirectory { root async throws in
            let gate = GateClock()
            var options = testOptions(clock: gate.function)
            options.maxBatch = 8
            try await withStore(root.sub("log"), options) { store async throws in
                let completions = Completions()
                store.enqueue(request([event()]), completion: completions.callback(0))
                try #require(gate.waitUntilHeld(), "the writer never started the first commit")
                for index in 1...20 { store.enqueue(request([event()]), completion: completions.callback(index)) }
                gate.release()
                let outcomes = try await completions.wait(for: 21)
                #expect(outcomes.values.allSatisfy { $0.value != nil })
                // 1, then 8 + 8 + 4.
                #expect(gate.commits == 4)
                let times = try allEnvelopes(store).map(\.recordedAt)
                #expect(
                    times == [1000] + Array(repeating: 2000, count: 8) + Array(repeating: 3000, count: 8)
                        + Array(repeating: 4000, count: 4))
            }
        }
    }

    @Test("in one batch, a failing request fails alone and the others are written")
    func failuresInABatchAreIsolated() async throws {
        try await withTemporaryDirectory { root async throws in
            let gate = GateClock()
            try await withStore(root.sub("log"), testOptions(clock: gate.function)) { store async throws in
                let completions = Completions()
                store.enqueue(request([event()]), completion: completions.callback(0))
                try #require(gate.waitUntilHeld(), "the writer never started the first commit")
                // All of these land in the second batch.
                store.enqueue(request([event(), event()], requestID: "ok-1"), completion: completions.callback(1))
                store.enqueue(
                    request([event(String(repeating: "t", count: 70_000))], requestID: "bad"),
                    completion: completions.callback(2))
                store.enqueue(
                    request([event()], requestID: "stale", expectedHead: 1), completion: completions.callback(3))
                store.enqueue(
                    request([event()], requestID: "fresh", expectedHead: 3), completion: completions.callback(4))
                store.enqueue(
                    request([event()], requestID: "keyed", key: "k", digest: [1]), completion: completions.callback(5))
                store.enqueue(
                    request([event()], requestID: "retry", key: "k", digest: [1]), completion: completions.callback(6))
                store.enqueue(
                    request([event()], requestID: "misuse", key: "k", digest: [2]), completion: completions.callback(7))
                gate.release()
                let outcomes = try await completions.wait(for: 8)
                #expect(gate.commits == 2)
                #expect(outcomes[1]?.value?.sequences == 2...3)
                #expect(outcomes[2]?.failure?.code == .invalidEvent)
                #expect(outcomes[3]?.failure?.code == .conflict)
                #expect(outcomes[3]?.failure?.head == 3)
                #expect(outcomes[4]?.value?.sequences == 4...4)
                #expect(outcomes[5]?.value?.sequences == 5...5)
                // A retry in the same batch sees the key the batch just wrote.
                let retry = try #require(outcomes[6]?.value)
                #expect(retry.sequences == 5...5)
                #expect(retry.head == 5)
                #expect(retry.recordedAt == 2000)
                #expect(retry.replayed)
                #expect(outcomes[7]?.failure?.code == .idempotencyMismatch)
                #expect(store.head == 5)
                #expect(try allEnvelopes(store).map(\.requestID) == ["req", "ok-1", "ok-1", "fresh", "keyed"])
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("recordedAt never decreases, even when the clock goes backwards")
    func recordedAtIsMonotonic() async throws {
        try await withTemporaryDirectory { root async throws in
            let clock = ManualClock(0)
            try await withStore(root.sub("log"), testOptions(clock: clock.function)) { store async throws in
                var results = [AppendResult]()
                for time: Int64 in [5_000, 3_000, 4_000, 8_000, 1_000, 8_000, 9_000] {
                    clock.set(time)
                    results.append(try await store.append(request([event()])))
                }
                let expected: [Int64] = [5_000, 5_000, 5_000, 8_000, 8_000, 8_000, 9_000]
                #expect(results.map(\.recordedAt) == expected)
                #expect(try allEnvelopes(store).map(\.recordedAt) == expected)
                #expect(try store.verify().isValid)
                // The time index agrees.
                #expect(try store.sequence(atOrBefore: 4_999) == 0)
                #expect(try store.sequence(atOrBefore: 5_000) == 3)
                #expect(try store.sequence(atOrBefore: 8_500) == 6)
            }
        }
    }

    @Test("a log with a 64 KiB map grows it while appending more than that")
    func logMapGrows() async throws {
        try await withTemporaryDirectory { root async throws in
            var options = testOptions()
            options.initialMapSize = 64 << 10
            let payload = [UInt8](repeating: 7, count: 4096)
            try await withStore(root.sub("log"), options) { store async throws in
                let events = (0..<50).map { index in event(entities: ["bulk/\(index)"], payload: payload) }
                let result = try await store.append(request(events))
                #expect(result.sequences == 1...50)
                try await appendNumbered(store, count: 20)
                #expect(store.head == 70)
                #expect(try store.envelope(at: 50)?.payload == payload)
                #expect(try store.verify().checked == 70)
            }
        }
    }

    @Test("after close(), append and saveCheckpoint fail with .closed")
    func closedStoreRefusesWrites() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 2)
                store.close()
                let error = await #expect(throws: EventLogError.self) { try await store.append(request([event()])) }
                #expect(error?.code == .closed)
                let checkpoint = await #expect(throws: EventLogError.self) {
                    try await store.saveCheckpoint(sequence: 2, state: [1])
                }
                #expect(checkpoint?.code == .closed)
                let completions = Completions()
                store.enqueue(request([event()]), completion: completions.callback(0))
                #expect(try await completions.wait(for: 1)[0]?.failure?.code == .closed)
                #expect(store.head == 2)
                // Closing twice is harmless.
                store.close()
            }
            // Nothing was written after close.
            try await withStore(root.sub("log")) { store async throws in #expect(store.head == 2) }
        }
    }

    @Test("close() lets queued appends finish before the writer stops")
    func closeDrainsQueue() async throws {
        try await withTemporaryDirectory { root async throws in
            let gate = GateClock()
            try await withStore(root.sub("log"), testOptions(clock: gate.function)) { store async throws in
                let completions = Completions()
                store.enqueue(request([event()]), completion: completions.callback(0))
                try #require(gate.waitUntilHeld(), "the writer never started the first commit")
                for index in 1...5 { store.enqueue(request([event()]), completion: completions.callback(index)) }
                gate.release()
                store.close()
                let outcomes = try await completions.wait(for: 6)
                #expect(outcomes.values.allSatisfy { $0.value != nil })
                #expect(store.head == 6)
            }
        }
    }
}
