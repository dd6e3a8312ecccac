import EnvoyAPI
import GRPCCore
import Synchronization
import Testing

@testable import XDS

/// The ADS service against a hand-made `SnapshotSource`: no gateway state, no translation, no
/// snapshot store. What a stream needs is the snapshot for its node and a change signal.
@Suite(.timeLimit(.minutes(1))) struct SnapshotSourceTests {
    /// Serves one snapshot to every node and records who asked; `publish` replaces it and signals.
    final class FakeSource: SnapshotSource {
        private struct State {
            var current: NodeSnapshot
            var past: [UInt64: NodeSnapshot] = [:]
            var askedBy: [NodeIdentity] = []
            var watchers: [Int: @Sendable () -> Void] = [:]
            var nextWatcher = 0
        }

        private let state: Mutex<State>
        /// When set, `snapshot(for:at:)` throws: a store that cannot rebuild a past version.
        let pastIsBroken: Bool

        struct Broken: Error {}

        init(_ snapshot: NodeSnapshot, past: [NodeSnapshot] = [], pastIsBroken: Bool = false) {
            var state = State(current: snapshot)
            for old in past { state.past[old.version] = old }
            self.state = Mutex(state)
            self.pastIsBroken = pastIsBroken
        }

        var askedBy: [NodeIdentity] { state.withLock { $0.askedBy } }
        var watcherCount: Int { state.withLock { $0.watchers.count } }

        func publish(_ snapshot: NodeSnapshot) {
            let watchers = state.withLock { state in
                state.current = snapshot
                return Array(state.watchers.values)
            }
            for watcher in watchers { watcher() }
        }

        func snapshot(for node: NodeIdentity) -> NodeSnapshot {
            state.withLock { state in
                state.askedBy.append(node)
                return state.current
            }
        }

        func snapshot(for node: NodeIdentity, at version: UInt64) throws -> NodeSnapshot? {
            if pastIsBroken { throw Broken() }
            return state.withLock { $0.past[version] }
        }

        func watch(_ onChange: @escaping @Sendable () -> Void) -> ChangeWatch {
            let id = state.withLock { state in
                defer { state.nextWatcher += 1 }
                state.watchers[state.nextWatcher] = onChange
                return state.nextWatcher
            }
            return ChangeWatch { [weak self] in _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) } }
        }
    }

    final class Failures: Sendable {
        private let kinds = Mutex<[String]>([])
        var all: [String] { kinds.withLock { $0 } }
        func count(_ kind: String) { kinds.withLock { $0.append(kind) } }
    }

    @Test func aStreamServesTheSourcesSnapshotAndFollowsItsChangeSignal() async throws {
        let source = FakeSource(FakeSnapshot.make(version: 1, clusters: ["a": 1]))
        let observer = RecordingObserver()
        let service = AggregatedDiscoveryService(source: source, observer: observer)
        let writer = StreamLoopTests.SlowWriter()
        let (requests, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        let loop = Task { try await service.stateOfTheWorld(requests: requests, writer: RPCWriter(wrapping: writer)) }
        var first = sotwRequest(.cluster)
        first.node.id = "edge-7"
        first.node.cluster = "edge"
        send.yield(first)
        try await StreamLoopTests.waitUntil { writer.versions == ["1"] }
        #expect(source.askedBy.first == NodeIdentity(id: "edge-7", cluster: "edge"))
        #expect(source.watcherCount == 1)

        source.publish(FakeSnapshot.make(version: 2, clusters: ["a": 2, "b": 1]))
        try await StreamLoopTests.waitUntil { writer.versions == ["1", "2"] }
        // A signal with nothing new for the node sends nothing.
        source.publish(FakeSnapshot.make(version: 2, clusters: ["a": 2, "b": 1]))
        try await Task.sleep(for: .milliseconds(50))
        #expect(writer.versions == ["1", "2"])

        send.finish()
        try await loop.value
        #expect(observer.all == [.connected("edge-7"), .disconnected("edge-7")])
        #expect(source.watcherCount == 0, "the stream stops watching when it ends")
    }

    @Test func aReconnectingNodesVersionThatCannotBeBuiltIsCountedAndTheCurrentOneSent() async throws {
        let source = FakeSource(FakeSnapshot.make(version: 5, clusters: ["a": 5]), pastIsBroken: true)
        let failures = Failures()
        let service = AggregatedDiscoveryService(
            source: source, observer: RecordingObserver(), countFailure: { failures.count($0) })
        let writer = StreamLoopTests.SlowWriter()
        let (requests, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        let loop = Task { try await service.stateOfTheWorld(requests: requests, writer: RPCWriter(wrapping: writer)) }
        var first = sotwRequest(.cluster, version: "3")
        first.node.id = "back-again"
        send.yield(first)
        try await StreamLoopTests.waitUntil { writer.versions == ["5"] }
        #expect(failures.all == ["version_snapshot"])
        send.finish()
        try await loop.value
    }

    @Test func aReconnectingNodeThatRunsTheSourcesSnapshotGetsNoNewVersion() async throws {
        let current = FakeSnapshot.make(version: 5, clusters: ["a": 1])
        // Version 3 had the same clusters: the node already runs what it would be sent (rule 21).
        let source = FakeSource(current, past: [FakeSnapshot.make(version: 3, clusters: ["a": 1])])
        let failures = Failures()
        let observer = RecordingObserver()
        let service = AggregatedDiscoveryService(
            source: source, observer: observer, countFailure: { failures.count($0) })
        let writer = StreamLoopTests.SlowWriter()
        let (requests, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        let loop = Task { try await service.stateOfTheWorld(requests: requests, writer: RPCWriter(wrapping: writer)) }
        var first = sotwRequest(.cluster, version: "3")
        first.node.id = "back-again"
        send.yield(first)
        try await StreamLoopTests.waitUntil { observer.all.contains(.acked("back-again", .cluster, "3")) }
        send.finish()
        try await loop.value
        #expect(writer.versions.isEmpty)
        #expect(failures.all.isEmpty)
    }
}
