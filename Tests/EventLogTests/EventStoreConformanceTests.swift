import EventLog
import Foundation
import Synchronization
import TestSupport
import Testing

/// Every implementation of `EventStore`. A new backend adds a case here and an arm in
/// `withConformingStore`, and must then pass the whole suite.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case lmdb
    case inMemory

    var testDescription: String { rawValue }
}

/// A store under test, with the operations on a whole log that lie outside the seam.
struct StoreUnderTest {
    let store: any EventStore
    let verify: () throws -> VerifyReport
}

/// Runs `body` with a fresh, empty store of `kind`, closing it afterwards. Only the LMDB store
/// touches the disk (a temporary directory).
func withConformingStore<T>(
    _ kind: StoreKind, clock: (@Sendable () -> Int64)? = nil, _ body: (StoreUnderTest) async throws -> T
) async throws -> T {
    switch kind {
    case .lmdb:
        return try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log"), testOptions(clock: clock)) { store async throws in
                try await body(StoreUnderTest(store: store, verify: store.verify))
            }
        }
    case .inMemory:
        let store = clock.map { InMemoryEventStore(clock: $0) } ?? InMemoryEventStore()
        defer { store.close() }
        return try await body(StoreUnderTest(store: store, verify: store.verify))
    }
}

/// The ten events of `ReadTests`, recorded at 1000, 2000, … 10000 ms:
///
/// | seq | type | actor | entities | kind |
/// | odd | ServiceRegistered | alice (1-5), bob (6-10) | service/rest (+ service/grpc when seq % 3 == 0) | configuration |
/// | even | RouteChanged | … | route/r<seq> (+ service/grpc when seq % 3 == 0) | configuration, seq 10 observation |
private func withTenEvents<T>(_ kind: StoreKind, _ body: (any EventStore) async throws -> T) async throws -> T {
    let clock = ManualClock(0)
    return try await withConformingStore(kind, clock: clock.function) { subject async throws in
        let store = subject.store
        for sequence in 1...10 {
            clock.set(Int64(sequence) * 1000)
            var entities = sequence % 2 == 1 ? ["service/rest"] : ["route/r\(sequence)"]
            if sequence % 3 == 0 { entities.append("service/grpc") }
            let newEvent = event(
                sequence % 2 == 1 ? "ServiceRegistered" : "RouteChanged",
                kind: sequence == 10 ? .observation : .configuration, entities: entities,
                payload: numberedPayload(sequence))
            let result = try await store.append(
                request([newEvent], actor: sequence <= 5 ? "alice" : "bob", requestID: "req-\(sequence)"))
            try #require(result.sequences == UInt64(sequence)...UInt64(sequence))
        }
        return try await body(store)
    }
}

private func sequences(_ store: any EventStore, _ configure: (inout EventQuery) -> Void) throws -> [UInt64] {
    var query = EventQuery()
    configure(&query)
    return try store.envelopes(query).envelopes.map(\.sequence)
}

/// Runs a query page by page through `nextCursor`, returning each page's sequences.
private func pages(_ store: any EventStore, maxPages: Int = 20, _ configure: (inout EventQuery) -> Void) throws
    -> [[UInt64]]
{
    var query = EventQuery()
    configure(&query)
    var pages = [[UInt64]]()
    for _ in 0..<maxPages {
        let page = try store.envelopes(query)
        pages.append(page.envelopes.map(\.sequence))
        guard let next = page.nextCursor else { return pages }
        query.cursor = next
    }
    Issue.record("paging did not end after \(maxPages) pages")
    return pages
}

/// Values appended from completions, which may run on any thread.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    var values: [Value] { storage.withLock { $0 } }
}

/// Every envelope of the log, in order, read back one by one.
private func everyEnvelope(_ store: any EventStore) throws -> [Envelope] {
    guard store.head > 0 else { return [] }
    return try (1...store.head).map { try #require(try store.envelope(at: $0)) }
}

@Suite("EventStore conformance: every store behaves the same", .timeLimit(.minutes(1)))
struct EventStoreConformanceTests {
    @Test("sequences are gapless across batches; an empty request writes nothing", arguments: StoreKind.allCases)
    func gaplessSequences(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            #expect(store.head == 0)
            #expect(try store.envelope(at: 1) == nil)
            let one = try await store.append(request([event()], actor: "alice", requestID: "r1"))
            let three = try await store.append(request([event(), event(), event()], requestID: "r2"))
            let empty = try await store.append(request([]))
            let two = try await store.append(request([event(), event()]))
            #expect(one.sequences == 1...1)
            #expect(three.sequences == 2...4)
            #expect(empty.sequences == nil)
            #expect(empty.head == 4)
            #expect(!empty.replayed)
            #expect(two.sequences == 5...6)
            #expect(two.head == 6)
            #expect(store.head == 6)
            let all = try everyEnvelope(store)
            #expect(all.map(\.sequence) == Array(1...6))
            #expect(all[0].actor == "alice")
            #expect(all[0].requestID == "r1")
            #expect(all[1...3].allSatisfy { $0.requestID == "r2" })
            #expect(try store.envelope(at: 0) == nil)
            #expect(try store.envelope(at: 7) == nil)
            #expect(try store.envelope(at: .max) == nil)
            #expect(store.lastWriteFailure == nil)
        }
    }

    @Test("concurrent enqueues get gapless sequences and complete in append order", arguments: StoreKind.allCases)
    func completionOrder(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            let completed = Recorder<UInt64>()
            let completions = Completions()
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        store.enqueue(request([event(), event()], requestID: "c\(index)")) { result in
                            if let first = result.value?.sequences?.lowerBound { completed.append(first) }
                            completions.callback(index)(result)
                        }
                    }
                }
            }
            let outcomes = try await completions.wait(for: 40)
            let ranges = outcomes.values.compactMap { $0.value?.sequences }.sorted { $0.lowerBound < $1.lowerBound }
            #expect(ranges.count == 40)
            #expect(ranges.map(\.lowerBound) == Array(stride(from: 1, through: 79, by: 2)))
            #expect(ranges.allSatisfy { $0.count == 2 })
            #expect(completed.values == ranges.map(\.lowerBound))
            #expect(store.head == 80)
        }
    }

    @Test(
        "each previous hash is the hash before it; the stored bytes check; verify passes", arguments: StoreKind.allCases
    )
    func hashChain(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            #expect(try subject.verify() == VerifyReport(checked: 0, head: 0))
            try await appendNumbered(store, count: 5)
            _ = try await store.append(request([event("Pair"), event("Pair", kind: .observation)]))
            let all = try everyEnvelope(store)
            #expect(all.first?.previousHash == Envelope.genesisHash)
            for (earlier, later) in zip(all, all.dropFirst()) {
                #expect(later.previousHash == earlier.hash)
            }
            #expect(Set(all.map(\.hash)).count == all.count)
            // The bytes `scan` hands out decode, against their hash, to the same envelopes.
            var scanned = [Envelope]()
            try store.scan(after: 0, through: store.head) { scanned.append(try $0.decode()) }
            #expect(scanned == all)
            let report = try subject.verify()
            #expect(report.isValid)
            #expect(report.checked == 7)
            #expect(report.head == 7)
        }
    }

    @Test("an append behind the expected head conflicts and writes nothing", arguments: StoreKind.allCases)
    func expectedHeadConflict(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            let first = try await store.append(request([event()], expectedHead: 0))
            #expect(first.sequences == 1...1)
            try await appendNumbered(store, count: 2)
            let error = await #expect(throws: EventLogError.self) {
                try await store.append(request([event("Stale"), event("Stale")], expectedHead: 1, key: "stale"))
            }
            #expect(error?.code == .conflict)
            #expect(error?.head == 3)
            #expect(store.head == 3)
            #expect(try store.idempotencyRecord(for: "stale") == nil)
            #expect(try sequences(store) { $0.types = ["Stale"] } == [])
            let matching = try await store.append(request([event("Fresh")], expectedHead: 3))
            #expect(matching.sequences == 4...4)
        }
    }

    @Test("an event that cannot be encoded fails its own request only", arguments: StoreKind.allCases)
    func invalidEvent(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            let tooLong = String(repeating: "x", count: 70_000)
            let error = await #expect(throws: EventLogError.self) {
                try await store.append(request([event("Fine"), event(tooLong)]))
            }
            #expect(error?.code == .invalidEvent)
            #expect(store.head == 0)
            let next = try await store.append(request([event("Fine")]))
            #expect(next.sequences == 1...1)
            #expect(try subject.verify().isValid)
        }
    }

    @Test(
        "a key with the same digest replays the first answer; another digest is refused", arguments: StoreKind.allCases)
    func idempotency(kind: StoreKind) async throws {
        let clock = ManualClock(1_000)
        try await withConformingStore(kind, clock: clock.function) { subject async throws in
            let store = subject.store
            let first = try await store.append(
                request([event(), event()], key: "create", digest: [1, 2, 3]))
            #expect(first == AppendResult(sequences: 1...2, head: 2, recordedAt: 1_000, replayed: false))
            clock.set(2_000)
            try await appendNumbered(store, count: 1)
            let retry = try await store.append(request([event(), event()], key: "create", digest: [1, 2, 3]))
            #expect(retry == AppendResult(sequences: 1...2, head: 2, recordedAt: 1_000, replayed: true))
            #expect(store.head == 3)
            let error = await #expect(throws: EventLogError.self) {
                try await store.append(request([event()], key: "create", digest: [9]))
            }
            #expect(error?.code == .idempotencyMismatch)
            #expect(store.head == 3)
            #expect(
                try store.idempotencyRecord(for: "create")
                    == IdempotencyRecord(sequences: 1...2, head: 2, recordedAt: 1_000, requestDigest: [1, 2, 3]))
            #expect(try store.idempotencyRecord(for: "never-used") == nil)
            // A request without events keeps its key too, with the head it saw.
            let empty = try await store.append(request([], key: "noop", digest: [7]))
            #expect(empty.sequences == nil)
            #expect(try store.idempotencyRecord(for: "noop")?.head == 3)
            #expect(try await store.append(request([], key: "noop", digest: [7])).replayed)
            // Two uses of one key queued together: the second replays the first.
            let completions = Completions()
            store.enqueue(request([event()], key: "twice", digest: [5]), completion: completions.callback(0))
            store.enqueue(request([event()], key: "twice", digest: [5]), completion: completions.callback(1))
            let outcomes = try await completions.wait(for: 2)
            #expect(outcomes[0]?.value?.sequences == 4...4)
            #expect(outcomes[1]?.value?.replayed == true)
            #expect(outcomes[1]?.value?.sequences == 4...4)
            #expect(store.head == 4)
        }
    }

    @Test("reads by type, actor, kind, entity and time, and their combinations", arguments: StoreKind.allCases)
    func filteredReads(kind: StoreKind) async throws {
        try await withTenEvents(kind) { store async throws in
            #expect(try sequences(store) { $0.types = ["RouteChanged"] } == [2, 4, 6, 8, 10])
            #expect(try sequences(store) { $0.types = ["RouteChanged", "ServiceRegistered"] } == Array(1...10))
            #expect(try sequences(store) { $0.types = ["Nothing"] } == [])
            #expect(try sequences(store) { $0.actor = "bob" } == [6, 7, 8, 9, 10])
            #expect(try sequences(store) { $0.kinds = [.observation] } == [10])
            #expect(try sequences(store) { $0.kinds = [.configuration] } == Array(1...9))
            #expect(try sequences(store) { $0.entity = "service/grpc" } == [3, 6, 9])
            #expect(try sequences(store) { $0.entity = "service/rest" } == [1, 3, 5, 7, 9])
            #expect(try sequences(store) { $0.entity = "route/r4" } == [4])
            // An entity that is a prefix of another is not that other.
            #expect(try sequences(store) { $0.entity = "route/r" } == [])
            #expect(try sequences(store) { $0.entity = "service" } == [])
            // Time: since inclusive, until exclusive.
            #expect(try sequences(store) { $0.since = 3_000 } == Array(3...10))
            #expect(try sequences(store) { $0.until = 3_000 } == [1, 2])
            #expect(
                try sequences(store) {
                    $0.since = 2_500; $0.until = 5_000
                } == [3, 4])
            #expect(try sequences(store) { $0.since = 20_000 } == [])
            #expect(
                try sequences(store) {
                    $0.since = 2_000
                    $0.until = 9_000
                    $0.descending = true
                } == [8, 7, 6, 5, 4, 3, 2])
            // Combined filters are ANDed, in either direction.
            #expect(
                try sequences(store) {
                    $0.entity = "service/grpc"
                    $0.actor = "bob"
                } == [6, 9])
            #expect(
                try sequences(store) {
                    $0.entity = "service/rest"
                    $0.since = 3_000
                    $0.until = 9_000
                    $0.types = ["ServiceRegistered"]
                    $0.descending = true
                } == [7, 5, 3])
            #expect(
                try sequences(store) {
                    $0.actor = "alice"
                    $0.kinds = [.configuration]
                    $0.types = ["RouteChanged"]
                } == [2, 4])
            // What a read returns is the stored envelope.
            let four = try #require(try store.envelopes(EventQuery()).envelopes.first { $0.sequence == 4 })
            #expect(four.type == "RouteChanged")
            #expect(four.actor == "alice")
            #expect(four.requestID == "req-4")
            #expect(four.entities == ["route/r4"])
            #expect(four.payload == numberedPayload(4))
            #expect(four.recordedAt == 4_000)
            #expect(four == (try store.envelope(at: 4)))
        }
    }

    @Test(
        "cursor paging forwards and backwards, plain and filtered, ends with a nil nextCursor",
        arguments: StoreKind.allCases)
    func cursorPaging(kind: StoreKind) async throws {
        try await withTenEvents(kind) { store async throws in
            #expect(try pages(store) { $0.limit = 3 } == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]])
            #expect(try pages(store) { $0.limit = 5 } == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], []])
            #expect(
                try pages(store) {
                    $0.limit = 4
                    $0.descending = true
                } == [[10, 9, 8, 7], [6, 5, 4, 3], [2, 1]])
            #expect(
                try pages(store) {
                    $0.limit = 2
                    $0.entity = "service/rest"
                } == [[1, 3], [5, 7], [9]])
            #expect(
                try pages(store) {
                    $0.limit = 2
                    $0.entity = "service/rest"
                    $0.descending = true
                } == [[9, 7], [5, 3], [1]])
            #expect(
                try pages(store) {
                    $0.limit = 3
                    $0.since = 2_000
                    $0.until = 10_000
                    $0.descending = true
                } == [[9, 8, 7], [6, 5, 4], [3, 2]])
            #expect(
                try pages(store) {
                    $0.limit = 2
                    $0.actor = "alice"
                    $0.since = 2_000
                } == [[2, 3], [4, 5], []])
            // The first page's cursor, and a cursor's meaning: "after" forwards, "before" backwards.
            var query = EventQuery()
            query.limit = 3
            #expect(try store.envelopes(query).nextCursor == 3)
            query.limit = 100
            #expect(try store.envelopes(query).nextCursor == nil)
            #expect(try sequences(store) { $0.cursor = 8 } == [9, 10])
            #expect(try sequences(store) { $0.cursor = 10 } == [])
            #expect(
                try sequences(store) {
                    $0.cursor = 3
                    $0.descending = true
                } == [2, 1])
            #expect(
                try sequences(store) {
                    $0.cursor = 1
                    $0.descending = true
                } == [])
            #expect(
                try sequences(store) {
                    $0.cursor = 0
                    $0.descending = true
                } == [])
            // A limit below one reads one.
            #expect(try sequences(store) { $0.limit = 0 } == [1])
        }
    }

    @Test("a cursor of UInt64.max gives an empty page forwards and everything backwards", arguments: StoreKind.allCases)
    func largestCursor(kind: StoreKind) async throws {
        try await withTenEvents(kind) { store async throws in
            let filters: [(inout EventQuery) -> Void] = [
                { _ in }, { $0.entity = "service/rest" }, { $0.since = 0 }, { $0.types = ["RouteChanged"] },
            ]
            for configure in filters {
                var query = EventQuery()
                configure(&query)
                query.cursor = .max
                let page = try store.envelopes(query)
                #expect(page.envelopes.isEmpty)
                #expect(page.nextCursor == nil)
            }
            #expect(
                try sequences(store) {
                    $0.cursor = .max
                    $0.descending = true
                    $0.limit = 3
                } == [10, 9, 8])
            #expect(
                try sequences(store) {
                    $0.cursor = .max
                    $0.descending = true
                    $0.entity = "service/grpc"
                } == [9, 6, 3])
        }
    }

    @Test("scan hands out (after, through] in order, clipped to the head", arguments: StoreKind.allCases)
    func scanRanges(kind: StoreKind) async throws {
        try await withTenEvents(kind) { store async throws in
            func scanned(_ after: UInt64, _ through: UInt64) throws -> [UInt64] {
                var sequences = [UInt64]()
                try store.scan(after: after, through: through) { sequences.append(try $0.sequence) }
                return sequences
            }
            #expect(try scanned(0, 10) == Array(1...10))
            #expect(try scanned(3, 6) == [4, 5, 6])
            #expect(try scanned(8, 100) == [9, 10])
            #expect(try scanned(0, .max) == Array(1...10))
            #expect(try scanned(5, 5) == [])
            #expect(try scanned(6, 3) == [])
            #expect(try scanned(10, 20) == [])
            #expect(try scanned(.max - 1, .max) == [])
            // The views read the header in place.
            var views = [(EventKind?, String, UInt16, [UInt8])]()
            try store.scan(after: 8, through: 10) { view in
                views.append((view.kind, try view.type, try view.schemaVersion, Array(try view.payload)))
            }
            #expect(views.map(\.0) == [.configuration, .observation])
            #expect(views.map(\.1) == ["ServiceRegistered", "RouteChanged"])
            #expect(views.map(\.2) == [1, 1])
            #expect(views.map(\.3) == [numberedPayload(9), numberedPayload(10)])
        }
    }

    @Test("sequence(atOrBefore:) is the last event recorded at or before a time", arguments: StoreKind.allCases)
    func sequenceAtTime(kind: StoreKind) async throws {
        try await withTenEvents(kind) { store async throws in
            #expect(try store.sequence(atOrBefore: 0) == 0)
            #expect(try store.sequence(atOrBefore: 999) == 0)
            #expect(try store.sequence(atOrBefore: 1_000) == 1)
            #expect(try store.sequence(atOrBefore: 4_500) == 4)
            #expect(try store.sequence(atOrBefore: 10_000) == 10)
            #expect(try store.sequence(atOrBefore: .max) == 10)
            #expect(try store.sequence(atOrBefore: .min) == 0)
        }
        // Events that share a time: the last of them.
        try await withConformingStore(kind, clock: { 5_000 }) { subject async throws in
            _ = try await subject.store.append(request([event(), event(), event()]))
            #expect(try subject.store.sequence(atOrBefore: 5_000) == 3)
            #expect(try subject.store.sequence(atOrBefore: 4_999) == 0)
        }
    }

    @Test("checkpoint(atOrBefore:) finds the newest checkpoint at or before a sequence", arguments: StoreKind.allCases)
    func checkpoints(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            try await appendNumbered(store, count: 30)
            #expect(try store.checkpoint(atOrBefore: 30) == nil)
            try await store.saveCheckpoint(sequence: 20, state: [20])
            try await store.saveCheckpoint(sequence: 10, state: [10])
            #expect(try store.checkpoint(atOrBefore: 9) == nil)
            #expect(try store.checkpoint(atOrBefore: 10).map { [$0.sequence: $0.state] } == [10: [10]])
            #expect(try store.checkpoint(atOrBefore: 19).map { [$0.sequence: $0.state] } == [10: [10]])
            #expect(try store.checkpoint(atOrBefore: 25).map { [$0.sequence: $0.state] } == [20: [20]])
            #expect(try store.checkpoint(atOrBefore: .max).map { [$0.sequence: $0.state] } == [20: [20]])
            // A newer state for the same sequence replaces the old one.
            try await store.saveCheckpoint(sequence: 20, state: [21, 22])
            #expect(try store.checkpoint(atOrBefore: 20).map { [$0.sequence: $0.state] } == [20: [21, 22]])
            #expect(store.head == 30)
        }
    }

    @Test("a subscription catches up, then delivers live appends in order", arguments: StoreKind.allCases)
    func subscription(kind: StoreKind) async throws {
        try await withConformingStore(kind) { subject async throws in
            let store = subject.store
            try await appendNumbered(store, count: 4)
            let stream = store.subscribe(after: 1)
            let received = try await withTimeout(seconds: 20) {
                var iterator = stream.makeAsyncIterator()
                var received = [Envelope]()
                while received.count < 3, let envelope = try await iterator.next() { received.append(envelope) }
                _ = try await store.append(request([event("Live", payload: [5])]))
                _ = try await store.append(request([event("Live", payload: [6]), event("Live", payload: [7])]))
                while received.count < 6, let envelope = try await iterator.next() { received.append(envelope) }
                return received
            }
            #expect(received.map(\.sequence) == Array(2...7))
            #expect(received.suffix(3).map(\.payload) == [[5], [6], [7]])
            #expect(received == (try everyEnvelope(store)).suffix(6))
            // A subscriber that starts at the head gets only what comes next.
            let fromHead = store.subscribe(after: store.head)
            let next = try await withTimeout(seconds: 20) { () -> Envelope? in
                async let appended = store.append(request([event("Next")]))
                var iterator = fromHead.makeAsyncIterator()
                let envelope = try await iterator.next()
                _ = try await appended
                return envelope
            }
            #expect(next?.sequence == 8)
            #expect(next?.type == "Next")
        }
    }

    @Test("recorded-at never decreases, even when the clock goes backwards", arguments: StoreKind.allCases)
    func monotonicTime(kind: StoreKind) async throws {
        let clock = ManualClock(10_000)
        try await withConformingStore(kind, clock: clock.function) { subject async throws in
            let store = subject.store
            let first = try await store.append(request([event()]))
            clock.set(4_000)
            let second = try await store.append(request([event()]))
            clock.set(12_000)
            let third = try await store.append(request([event()]))
            clock.set(11_000)
            let fourth = try await store.append(request([event(), event()]))
            #expect([first, second, third, fourth].map(\.recordedAt) == [10_000, 10_000, 12_000, 12_000])
            #expect(try everyEnvelope(store).map(\.recordedAt) == [10_000, 10_000, 12_000, 12_000, 12_000])
            #expect(try store.sequence(atOrBefore: 10_000) == 2)
            #expect(try subject.verify().isValid)
        }
    }
}

@Suite("The in-memory store", .timeLimit(.minutes(1)))
struct InMemoryEventStoreTests {
    @Test("the same requests at the same times give the LMDB store's envelopes, byte for byte")
    func sameBytesAsLMDB() async throws {
        func record(_ kind: StoreKind) async throws -> [[UInt8]] {
            let clock = ManualClock(1_764_240_000_000)
            return try await withConformingStore(kind, clock: clock.function) { subject async throws in
                for number in 1...6 {
                    clock.set(1_764_240_000_000 + Int64(number) * 1_500)
                    _ = try await subject.store.append(
                        request(
                            [
                                event(
                                    "T\(number)", kind: number % 2 == 0 ? .observation : .configuration,
                                    entities: ["e/\(number)"], payload: numberedPayload(number), schema: 2)
                            ],
                            actor: "a\(number)", requestID: "r\(number)"))
                }
                var bytes = [[UInt8]]()
                try subject.store.scan(after: 0, through: 6) { bytes.append(Array($0.bytes)) }
                return bytes
            }
        }
        let lmdb = try await record(.lmdb)
        #expect(lmdb.count == 6)
        #expect(try await record(.inMemory) == lmdb)
    }

    @Test("an injected write failure is reported until a write succeeds again")
    func writeFailure() async throws {
        let store = InMemoryEventStore()
        _ = try await store.append(request([event()]))
        store.failWrites(with: EventLogError(.storage, "the disk is full"))
        let error = await #expect(throws: EventLogError.self) { try await store.append(request([event()])) }
        #expect(error?.code == .storage)
        #expect(store.lastWriteFailure?.message == "the disk is full")
        await #expect(throws: EventLogError.self) { try await store.saveCheckpoint(sequence: 1, state: []) }
        #expect(store.head == 1)
        store.failWrites(with: nil)
        #expect(store.lastWriteFailure != nil)
        _ = try await store.append(request([event()]))
        #expect(store.lastWriteFailure == nil)
        #expect(store.head == 2)
    }

    @Test("after close, writes fail with .closed, subscriptions end, reads go on")
    func closing() async throws {
        let store = InMemoryEventStore()
        _ = try await store.append(request([event()]))
        let live = store.subscribe(after: 0)
        store.close()
        let error = await #expect(throws: EventLogError.self) { try await store.append(request([event()])) }
        #expect(error?.code == .closed)
        let late = await #expect(throws: EventLogError.self) {
            for try await _ in store.subscribe(after: 0) {}
        }
        #expect(late?.code == .closed)
        let drained = try await withTimeout(seconds: 10) {
            var sequences = [UInt64]()
            for try await envelope in live { sequences.append(envelope.sequence) }
            return sequences
        }
        #expect(drained == [1])
        #expect(try store.envelope(at: 1)?.sequence == 1)
    }

    @Test("a completion that appends again is completed after the one that queued it")
    func reentrantCompletion() async throws {
        let store = InMemoryEventStore()
        let order = Recorder<String>()
        let completions = Completions()
        store.enqueue(request([event("Outer")])) { outer in
            order.append("outer \(outer.value?.head ?? 0)")
            store.enqueue(request([event("Inner")])) { inner in
                order.append("inner \(inner.value?.head ?? 0)")
                completions.callback(1)(inner)
            }
            order.append("outer done")
            completions.callback(0)(outer)
        }
        _ = try await completions.wait(for: 2)
        #expect(order.values == ["outer 1", "outer done", "inner 2"])
    }
}
