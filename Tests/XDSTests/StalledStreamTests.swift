import EnvoyAPI
import GRPCCore
import Gateway
import Synchronization
import Testing

@testable import XDS

/// What a stream whose client does not read can hold: the inbox is bounded (the loop stops
/// reading requests while it is full), and a stream the transport closes for stalling ends with
/// a status and a `stalled` notice naming the node.
@Suite(.timeLimit(.minutes(1))) struct StalledStreamTests {
    /// Counts the requests the stream loop has taken from the client.
    struct CountingRequests: AsyncSequence, Sendable {
        typealias Element = Envoy_Service_Discovery_V3_DiscoveryRequest
        let base: AsyncThrowingStream<Element, any Error>
        let counter = Counter()

        final class Counter: Sendable {
            let value = Atomic<Int>(0)
        }

        var taken: Int { counter.value.load(ordering: .relaxed) }

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncThrowingStream<Element, any Error>.AsyncIterator
            let counter: Counter

            mutating func next() async throws -> Element? {
                let element = try await base.next()
                if element != nil { counter.value.add(1, ordering: .relaxed) }
                return element
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), counter: counter) }
    }

    final class Box: Sendable {
        let requests: CountingRequests
        init(_ base: AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>) {
            requests = CountingRequests(base: base)
        }
    }

    final class Observer: StreamObserver {
        let notes = Mutex<[String]>([])
        func connected(_ node: NodeIdentity) { notes.withLock { $0.append("connected \(node.id)") } }
        func disconnected(_ node: NodeIdentity) { notes.withLock { $0.append("disconnected \(node.id)") } }
        func acked(_ node: NodeIdentity, type: ResourceType, version: String) {}
        func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String) {}
        func stalled(_ node: NodeIdentity, after: Duration) {
            notes.withLock { $0.append("stalled \(node.id) after \(after)") }
        }
    }

    @Test func aClientThatSendsButNeverReadsFillsABoundedInbox() async throws {
        let store = SnapshotStore(state: StreamLoopTests.state(through: 1)) { StreamLoopTests.state(through: $0) }
        let service = AggregatedDiscoveryService(
            source: store, observer: Observer(), limits: StreamLimits(inbox: 4, stallTimeout: .seconds(60)))
        let writer = StreamLoopTests.SlowWriter()
        writer.hold()
        let (base, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        let box = Box(base)
        let loop = Task {
            try await service.stateOfTheWorld(requests: box.requests, writer: RPCWriter(wrapping: writer))
        }
        var request = sotwRequest(.cluster)
        request.node.id = "greedy"
        // The first request's response blocks in the writer; then a thousand more requests.
        for _ in 0..<1_000 { send.yield(request) }
        try await StreamLoopTests.waitUntil { writer.versions.count == 1 }
        try await Task.sleep(for: .milliseconds(100))
        // One being answered, four in the inbox, one in the reader's hands waiting for room.
        #expect(box.requests.taken <= 6)
        writer.release()
        send.finish()
        try await loop.value
    }

    @Test func aStreamTheTransportClosesForStallingEndsWithAStatusAndNamesTheNode() async throws {
        let store = SnapshotStore(state: StreamLoopTests.state(through: 1)) { StreamLoopTests.state(through: $0) }
        let observer = Observer()
        let service = AggregatedDiscoveryService(source: store, observer: observer)
        let writer = StreamLoopTests.SlowWriter()
        let (requests, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        let loop = Task { try await service.stateOfTheWorld(requests: requests, writer: RPCWriter(wrapping: writer)) }
        var request = sotwRequest(.cluster)
        request.node.id = "stuck"
        send.yield(request)
        try await StreamLoopTests.waitUntil { writer.versions.count == 1 }
        send.finish(throwing: StalledStreamError(after: .seconds(60)))
        let result = await loop.result
        #expect(throws: RPCError.self) { try result.get() }
        if case .failure(let error as RPCError) = result { #expect(error.code == .resourceExhausted) }
        #expect(
            observer.notes.withLock { $0 } == [
                "connected stuck", "stalled stuck after 60.0 seconds", "disconnected stuck",
            ])
        #expect(store.watcherCount == 0)
    }
}
