import EventLog
import Foundation
import TestSupport
import Testing

@Suite("Subscribing to the event log", .timeLimit(.minutes(1)))
struct SubscriptionTests {
    @Test("subscribe(after:) catches up, then delivers live appends")
    func catchUpThenLive() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 3)
                let stream = store.subscribe(after: 1)
                let received = try await withTimeout(seconds: 10) {
                    var iterator = stream.makeAsyncIterator()
                    var received = [Envelope]()
                    // Catch-up: 2 and 3 are already in the log.
                    while received.count < 2, let envelope = try await iterator.next() { received.append(envelope) }
                    // Live: appended after the subscriber caught up.
                    _ = try await store.append(request([event("Live", payload: [4])]))
                    _ = try await store.append(request([event("Live", payload: [5]), event("Live", payload: [6])]))
                    while received.count < 5, let envelope = try await iterator.next() { received.append(envelope) }
                    return received
                }
                #expect(received.map(\.sequence) == [2, 3, 4, 5, 6])
                #expect(received.suffix(3).map(\.type) == ["Live", "Live", "Live"])
                #expect(received.suffix(3).map(\.payload) == [[4], [5], [6]])
                // What a subscriber gets is what the log holds.
                #expect(received == (2...6).compactMap { try? store.envelope(at: $0) })
            }
        }
    }

    @Test("a subscriber on an empty log receives the first append")
    func subscribeToEmptyLog() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                let stream = store.subscribe(after: 0)
                let first = try await withTimeout(seconds: 10) { () -> Envelope? in
                    async let appended = store.append(request([event("First")]))
                    var iterator = stream.makeAsyncIterator()
                    let envelope = try await iterator.next()
                    _ = try await appended
                    return envelope
                }
                #expect(first?.sequence == 1)
                #expect(first?.type == "First")
            }
        }
    }

    @Test("a catch-up longer than one internal page arrives complete and in order")
    func longCatchUp() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                let events = (0..<1_100).map { event("Bulk", payload: Array(String($0).utf8)) }
                _ = try await store.append(request(events))
                let stream = store.subscribe(after: 50)
                let sequences = try await withTimeout(seconds: 10) {
                    var sequences = [UInt64]()
                    for try await envelope in stream {
                        sequences.append(envelope.sequence)
                        if sequences.count == 1_050 { break }
                    }
                    return sequences
                }
                #expect(sequences == Array(51...1_100))
            }
        }
    }

    @Test("two subscribers both see every live append")
    func twoSubscribers() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                let streams = [store.subscribe(after: 0), store.subscribe(after: 0)]
                let seen = try await withTimeout(seconds: 10) {
                    try await withThrowingTaskGroup(of: [UInt64].self) { group in
                        for stream in streams {
                            group.addTask {
                                var sequences = [UInt64]()
                                for try await envelope in stream {
                                    sequences.append(envelope.sequence)
                                    if sequences.count == 4 { break }
                                }
                                return sequences
                            }
                        }
                        for _ in 0..<4 { _ = try await store.append(request([event()])) }
                        var seen = [[UInt64]]()
                        for try await sequences in group { seen.append(sequences) }
                        return seen
                    }
                }
                #expect(seen == [[1, 2, 3, 4], [1, 2, 3, 4]])
            }
        }
    }

    @Test("close() ends a live subscription")
    func closeEndsSubscription() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 2)
                let stream = store.subscribe(after: 0)
                let received = try await withTimeout(seconds: 10) {
                    var received = [UInt64]()
                    var iterator = stream.makeAsyncIterator()
                    while received.count < 2, let envelope = try await iterator.next() {
                        received.append(envelope.sequence)
                    }
                    store.close()
                    // The stream finishes instead of waiting for ever.
                    while let envelope = try await iterator.next() { received.append(envelope.sequence) }
                    return received
                }
                #expect(received == [1, 2])
            }
        }
    }
}
