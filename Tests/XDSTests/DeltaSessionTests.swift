import EnvoyAPI
import Testing

@testable import XDS

@Suite struct DeltaSessionTests {
    let node = NodeIdentity(id: "proxy-2", cluster: "edge")
    let v1 = FakeSnapshot.make(version: 1, clusters: ["a": 1, "b": 1], routes: ["http": ["a"]])

    @Test func wildcardGetsEveryResourceWithItsOwnVersion() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let response = try s.receive(deltaRequest(.cluster), snapshot: v1)[0].wire.delta
        #expect(response.resources.map(\.name) == ["a", "b"])
        #expect(response.resources.map(\.version) == [v1.clusters["a"]!.version, v1.clusters["b"]!.version])
        #expect(response.systemVersionInfo == "1")
        #expect(!response.nonce.isEmpty)
    }

    @Test func aFirstRequestIsAnsweredEvenWhenThereIsNothingToSend() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let empty = FakeSnapshot.make(version: 3, clusters: [:])
        let out = try s.receive(deltaRequest(.cluster), snapshot: empty).map { try $0.wire.delta }
        #expect(out.count == 1)
        #expect(out.first?.resources.isEmpty == true)
        #expect(out.first?.systemVersionInfo == "3")
        #expect(s.receive(deltaRequest(.cluster, nonce: out[0].nonce), snapshot: empty).isEmpty)
    }

    @Test func aReconnectingClientIsSentOnlyWhatItLacks() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        // Envoy names every resource it wants and reports the versions it holds.
        let held = ["a": v1.endpoints["a"]!.version, "b": v1.endpoints["b"]!.version]
        let out = try s.receive(deltaRequest(.endpoint, subscribe: ["a", "b"], initial: held), snapshot: v1)
            .map { try $0.wire.delta }
        #expect(out.count == 1)
        #expect(out.first?.resources.isEmpty == true)
    }

    @Test func aClusterChangedBeforeEndpointsStartBringsItsEndpointsAnyway() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let heldClusters = ["a": "old", "b": v1.clusters["b"]!.version]
        _ = s.receive(deltaRequest(.cluster, initial: heldClusters), snapshot: v1)
        let heldEndpoints = ["a": v1.endpoints["a"]!.version, "b": v1.endpoints["b"]!.version]
        let eds = try s.receive(deltaRequest(.endpoint, subscribe: ["a", "b"], initial: heldEndpoints), snapshot: v1)
            .map { try $0.wire.delta }
        #expect(eds.map { $0.resources.map(\.name) } == [["a"]])
    }

    @Test func initialVersionsAreHonoured() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let initial = ["a": v1.clusters["a"]!.version, "b": "old", "gone": "x"]
        let response = try s.receive(deltaRequest(.cluster, initial: initial), snapshot: v1)[0].wire.delta
        #expect(response.resources.map(\.name) == ["b"])
        #expect(response.removedResources == ["gone"])
    }

    @Test func missingNamesAreReportedRemovedOnceAndSentWhenTheyAppear() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let first = try s.receive(deltaRequest(.endpoint, subscribe: ["a", "zz"]), snapshot: v1)[0].wire.delta
        #expect(first.resources.map(\.name) == ["a"])
        #expect(first.removedResources == ["zz"])
        _ = s.receive(deltaRequest(.endpoint, nonce: first.nonce), snapshot: v1)
        #expect(s.update(snapshot: FakeSnapshot.make(version: 2, clusters: ["a": 1, "b": 1])).isEmpty)
        let appears = FakeSnapshot.make(version: 3, clusters: ["a": 1, "zz": 1])
        let out = try s.update(snapshot: appears).map { try $0.wire.delta }
        #expect(out.map { $0.resources.map(\.name) } == [["zz"]])
    }

    @Test func subscribingAgainResendsAndUnknownUnsubscribeIsIgnored() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let first = try s.receive(deltaRequest(.endpoint, subscribe: ["a"]), snapshot: v1)[0].wire.delta
        #expect(s.receive(deltaRequest(.endpoint, unsubscribe: ["never"], nonce: first.nonce), snapshot: v1).isEmpty)
        let again = try s.receive(deltaRequest(.endpoint, subscribe: ["a"]), snapshot: v1).map { try $0.wire.delta }
        #expect(again.map { $0.resources.map(\.name) } == [["a"]])
    }

    @Test func subscriptionChangesCountOnAStaleNonce() throws {
        let observer = RecordingObserver()
        var s = DeltaSession(node: node, observer: observer)
        _ = s.receive(deltaRequest(.endpoint, subscribe: ["a"]), snapshot: v1)
        let out = try s.receive(deltaRequest(.endpoint, subscribe: ["b"], nonce: "stale"), snapshot: v1).map { try $0.wire.delta }
        #expect(out.map { $0.resources.map(\.name) } == [["b"]])
        #expect(observer.all.isEmpty)
    }

    @Test func updatesSendOnlyDifferencesAndRemovals() throws {
        let observer = RecordingObserver()
        var s = DeltaSession(node: node, observer: observer)
        let first = try s.receive(deltaRequest(.cluster), snapshot: v1)[0].wire.delta
        _ = s.receive(deltaRequest(.cluster, nonce: first.nonce), snapshot: v1)
        #expect(observer.all == [.acked("proxy-2", .cluster, "1")])
        let v2 = FakeSnapshot.make(version: 2, clusters: ["b": 2, "c": 1])
        let out = try s.update(snapshot: v2)[0].wire.delta
        #expect(out.resources.map(\.name) == ["b", "c"])
        #expect(out.removedResources == ["a"])
    }

    @Test func nackedResourcesAreNotResent() throws {
        let observer = RecordingObserver()
        var s = DeltaSession(node: node, observer: observer)
        let first = try s.receive(deltaRequest(.cluster), snapshot: v1)[0].wire.delta
        #expect(s.receive(deltaRequest(.cluster, nonce: first.nonce, error: "no"), snapshot: v1).isEmpty)
        #expect(observer.all == [.nacked("proxy-2", .cluster, "1", "no")])
        #expect(s.update(snapshot: FakeSnapshot.make(version: 2, clusters: ["a": 1, "b": 1])).isEmpty)
    }

    @Test func changedClustersBringTheirEndpointsAgain() throws {
        var s = DeltaSession(node: node, observer: RecordingObserver())
        let cds = try s.receive(deltaRequest(.cluster), snapshot: v1)[0].wire.delta
        _ = s.receive(deltaRequest(.cluster, nonce: cds.nonce), snapshot: v1)
        let eds = try s.receive(deltaRequest(.endpoint, subscribe: ["a", "b"]), snapshot: v1)[0].wire.delta
        _ = s.receive(deltaRequest(.endpoint, nonce: eds.nonce), snapshot: v1)
        let v2 = FakeSnapshot.make(version: 2, clusters: ["a": 5, "b": 1])
        let out = try s.update(snapshot: v2).map { try $0.wire.delta }
        #expect(out.map(\.typeURL) == [ResourceType.cluster.typeURL, ResourceType.endpoint.typeURL])
        #expect(out.map { $0.resources.map(\.name) } == [["a"], ["a"]])
    }
}
