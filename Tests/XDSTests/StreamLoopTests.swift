import EnvoyAPI
import Gateway
import GRPCCore
import Synchronization
import Testing

@testable import XDS

/// The stream loop of the ADS service, driven without a network: a slow writer must see only
/// the newest version when it drains, never each version in between. (Two things hold this:
/// the loop always reads the store's current snapshot, and its "changed" signals coalesce, so
/// the inbox stays small however many versions land.)
@Suite(.timeLimit(.minutes(1))) struct StreamLoopTests {
    /// Records every response; while held, a write waits until released.
    final class SlowWriter: RPCWriterProtocol, Sendable {
        typealias Element = WireResponse
        private let state = Mutex<(written: [String], held: Bool, waiting: [CheckedContinuation<Void, Never>])>(
            ([], false, []))

        var versions: [String] { state.withLock { $0.written } }

        func write(_ element: WireResponse) async throws {
            let version = try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: element.bytes).versionInfo
            await withCheckedContinuation { continuation in
                let proceed = state.withLock { state -> Bool in
                    state.written.append(version)
                    if state.held { state.waiting.append(continuation) }
                    return !state.held
                }
                if proceed { continuation.resume() }
            }
        }

        func write(contentsOf elements: some Sequence<WireResponse>) async throws {
            for element in elements { try await write(element) }
        }

        func hold() { state.withLock { $0.held = true } }

        func release() {
            let waiting = state.withLock { state in
                state.held = false
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    static func state(through version: UInt64) -> GatewayState {
        var state = GatewayState()
        for seq in 1...version {
            let service = Service(
                name: "a", endpoints: [Endpoint(host: "127.0.0.1", port: 8000)], connectTimeout: .seconds(Int64(seq)))
            state.apply(seq == 1 ? .serviceRegistered(service) : .serviceUpdated(service), seq: seq)
        }
        return state
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func aSlowStreamGetsTheNewestVersionNotEveryOneInBetween() async throws {
        let store = SnapshotStore(state: Self.state(through: 1)) { Self.state(through: $0) }
        let observer = RecordingObserver()
        let service = AggregatedDiscoveryService(source: store, observer: observer)
        let writer = SlowWriter()
        let (requests, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        let loop = Task { try await service.stateOfTheWorld(requests: requests, writer: RPCWriter(wrapping: writer)) }
        var first = sotwRequest(.cluster)
        first.node.id = "slow-1"
        send.yield(first)
        try await Self.waitUntil { writer.versions == ["1"] }
        // The proxy stops reading: the next push blocks in the writer.
        writer.hold()
        store.update(Self.state(through: 2))
        try await Self.waitUntil { writer.versions == ["1", "2"] }
        for version in UInt64(3)...20 { store.update(Self.state(through: version)) }
        writer.release()
        try await Self.waitUntil { writer.versions.last == "20" }
        try await Task.sleep(for: .milliseconds(50))
        #expect(writer.versions == ["1", "2", "20"])
        send.finish()
        try await loop.value
        #expect(observer.all == [.connected("slow-1"), .disconnected("slow-1")])
        #expect(store.watcherCount == 0)
    }
}
