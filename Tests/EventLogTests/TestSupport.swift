import EventLog
import Foundation
import Synchronization
import TestSupport
import Testing

extension String {
    /// The path of `name` inside this directory (a `withTemporaryDirectory` root). Every store
    /// opened there must be closed and released before the body returns.
    func sub(_ name: String) -> String { self + "/" + name }
}

/// Options for a test log: a small map, and the given clock when there is one.
func testOptions(clock: (@Sendable () -> Int64)? = nil) -> EventLogOptions {
    var options = EventLogOptions()
    options.initialMapSize = 8 << 20
    if let clock { options.clock = clock }
    return options
}

@discardableResult
/// Opens a store, runs `body`, and closes the store whatever happens. The store is released when
/// this returns (nothing else keeps it), so the LMDB environment is closed too.
func withStore<T>(
    _ directory: String, _ options: EventLogOptions = testOptions(), _ body: (LMDBEventStore) async throws -> T
) async throws -> T {
    let store = try LMDBEventStore(directory: directory, options: options)
    defer { store.close() }
    return try await body(store)
}

func event(
    _ type: String = "ServiceRegistered", kind: EventKind = .configuration, entities: [String] = [],
    payload: [UInt8] = [], schema: UInt16 = 1
) -> NewEvent {
    NewEvent(kind: kind, type: type, schemaVersion: schema, entities: entities, payload: payload)
}

func request(
    _ events: [NewEvent], actor: String = "tester", requestID: String = "req",
    expectedHead: UInt64? = nil, key: String? = nil, digest: [UInt8] = []
) -> AppendRequest {
    AppendRequest(
        events: events, actor: actor, requestID: requestID, expectedHead: expectedHead,
        idempotencyKey: key, requestDigest: digest)
}

/// The payload given to event `number` by `appendNumbered`: easy to find in stored bytes.
func numberedPayload(_ number: Int) -> [UInt8] {
    let digits = String(number)
    return Array(("payload-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits).utf8)
}

/// Appends `count` events one request each, with payloads `numberedPayload(first)` onwards.
@discardableResult
func appendNumbered(_ store: any EventStore, count: Int, from first: Int = 1) async throws -> [AppendResult] {
    var results = [AppendResult]()
    for number in first..<(first + count) {
        results.append(
            try await store.append(
                request(
                    [event("Numbered", entities: ["entity/\(number % 3)"], payload: numberedPayload(number))],
                    requestID: "req-\(number)")))
    }
    return results
}

/// Every envelope of the log, in order, read back one by one.
func allEnvelopes(_ store: any EventStore) throws -> [Envelope] {
    guard store.head > 0 else { return [] }
    return try (1...store.head).map { try #require(try store.envelope(at: $0)) }
}

/// A clock the test sets by hand; it also counts how often the log asked it the time.
final class ManualClock: Sendable {
    private let millis: Atomic<Int64>
    private let reads = Atomic<Int>(0)

    init(_ start: Int64) { millis = Atomic(start) }

    func set(_ value: Int64) { millis.store(value, ordering: .sequentiallyConsistent) }
    var calls: Int { reads.load(ordering: .sequentiallyConsistent) }

    var function: @Sendable () -> Int64 {
        { [self] in
            reads.add(1, ordering: .sequentiallyConsistent)
            return millis.load(ordering: .sequentiallyConsistent)
        }
    }
}

/// A clock that holds the writer thread inside its first group commit until released, so that
/// jobs queue up behind it; commit number n is stamped n × 1000 ms.
final class GateClock: @unchecked Sendable {
    private let condition = NSCondition()
    private var reads = 0
    private var held = false
    private var open = false

    var function: @Sendable () -> Int64 { { [self] in now() } }

    private func now() -> Int64 {
        condition.lock()
        defer { condition.unlock() }
        reads += 1
        let call = reads
        if call == 1 {
            held = true
            condition.broadcast()
            // Never hold the writer for ever, even when a test fails before it releases.
            let deadline = Date(timeIntervalSinceNow: 10)
            while !open { if !condition.wait(until: deadline) { break } }
        }
        return Int64(call) * 1000
    }

    /// Waits until the writer is held inside its first commit.
    func waitUntilHeld(timeout: TimeInterval = 10) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !held { if !condition.wait(until: deadline) { return held } }
        return true
    }

    func release() {
        condition.lock()
        open = true
        condition.broadcast()
        condition.unlock()
    }

    /// How many group commits asked the time.
    var commits: Int {
        condition.lock()
        defer { condition.unlock() }
        return reads
    }
}

/// Collects results of `enqueue` completions, which run on the writer thread.
final class Completions: Sendable {
    typealias Outcome = Result<AppendResult, EventLogError>
    private let stream: AsyncStream<(Int, Outcome)>
    private let continuation: AsyncStream<(Int, Outcome)>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: (Int, Outcome).self)
    }

    func callback(_ index: Int) -> @Sendable (Outcome) -> Void {
        { [continuation] outcome in continuation.yield((index, outcome)) }
    }

    /// The outcomes of the first `count` completions, by index, or a timeout failure.
    func wait(for count: Int, timeout: Double = 10) async throws -> [Int: Outcome] {
        let stream = self.stream
        return try await withTimeout(seconds: timeout) {
            var outcomes = [Int: Outcome]()
            for await (index, outcome) in stream {
                outcomes[index] = outcome
                if outcomes.count == count { break }
            }
            return outcomes
        }
    }
}

extension Result {
    var value: Success? { try? get() }
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
