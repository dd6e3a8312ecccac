import EnvoyAPI
import Testing

@testable import XDS

@Suite struct StateOfTheWorldSessionTests {
    let node = NodeIdentity(id: "proxy-1", cluster: "edge")
    let v1 = FakeSnapshot.make(
        version: 1, clusters: ["a": 1, "b": 1], routes: ["http": ["a"]], listeners: ["listener_http": "http"])

    func session(_ observer: RecordingObserver, past: [UInt64: NodeSnapshot] = [:]) -> StateOfTheWorldSession {
        StateOfTheWorldSession(node: node, observer: observer) { past[$0] }
    }

    @Test func wildcardRequestGetsEverythingWithVersionAndNonce() throws {
        var s = session(RecordingObserver())
        let out = s.receive(sotwRequest(.cluster), snapshot: v1)
        #expect(out.count == 1)
        let response = try out[0].wire.sotw
        #expect(response.versionInfo == "1")
        #expect(response.typeURL == ResourceType.cluster.typeURL)
        #expect(response.names == ["a", "b"])
        #expect(!response.nonce.isEmpty)
    }

    @Test func ackIsRecordedAndNotAnswered() throws {
        let observer = RecordingObserver()
        var s = session(observer)
        let nonce = try s.receive(sotwRequest(.cluster), snapshot: v1)[0].wire.sotw.nonce
        #expect(s.receive(sotwRequest(.cluster, version: "1", nonce: nonce), snapshot: v1).isEmpty)
        #expect(observer.all == [.acked("proxy-1", .cluster, "1")])
        #expect(s.acceptedVersion(of: .cluster) == "1")
    }

    @Test func nackIsRecordedWithMessageAndTheSameContentIsNotResent() throws {
        let observer = RecordingObserver()
        var s = session(observer)
        let nonce = try s.receive(sotwRequest(.cluster), snapshot: v1)[0].wire.sotw.nonce
        #expect(s.receive(sotwRequest(.cluster, nonce: nonce, error: "bad cluster"), snapshot: v1).isEmpty)
        #expect(observer.all == [.nacked("proxy-1", .cluster, "1", "bad cluster")])
        // A new version with the same clusters does not resend the rejected content.
        let sameClusters = FakeSnapshot.make(version: 2, clusters: ["a": 1, "b": 1])
        #expect(s.update(snapshot: sameClusters).isEmpty)
        // Changed content is sent.
        let fixed = FakeSnapshot.make(version: 3, clusters: ["a": 2, "b": 1])
        let out = s.update(snapshot: fixed)
        #expect(try out.map { try $0.wire.sotw.versionInfo } == ["3"])
    }

    @Test func staleNonceIsIgnoredEvenWithNewNames() throws {
        let observer = RecordingObserver()
        var s = session(observer)
        let first = try s.receive(sotwRequest(.route, names: ["http"]), snapshot: v1)[0].wire.sotw.nonce
        _ = s.receive(sotwRequest(.route, names: ["http"], version: "1", nonce: first), snapshot: v1)
        let v2 = FakeSnapshot.make(version: 2, clusters: ["a": 1, "b": 1], routes: ["http": ["b"]])
        let second = try s.update(snapshot: v2)[0].wire.sotw.nonce
        #expect(first != second)
        // An answer to the first response arrives late: ignored, no ACK recorded for it.
        #expect(
            s.receive(sotwRequest(.route, names: ["http", "grpc"], version: "1", nonce: first), snapshot: v2).isEmpty)
        #expect(observer.all == [.acked("proxy-1", .route, "1")])
    }

    @Test func namedSubscriptionGetsOnlyItsNamesAndAMissingNameWhenItAppears() throws {
        var s = session(RecordingObserver())
        let out = try s.receive(sotwRequest(.endpoint, names: ["a", "c"]), snapshot: v1)[0].wire.sotw
        #expect(out.names == ["a"])
        let nonce = out.nonce
        _ = s.receive(sotwRequest(.endpoint, names: ["a", "c"], version: "1", nonce: nonce), snapshot: v1)
        // Adding an unrelated cluster does not concern this subscription.
        #expect(s.update(snapshot: FakeSnapshot.make(version: 2, clusters: ["a": 1, "b": 1, "d": 1])).isEmpty)
        // The requested "c" appears: it is sent (docs/xds-protocol.md, rule 11).
        let v3 = FakeSnapshot.make(version: 3, clusters: ["a": 1, "b": 1, "c": 1])
        #expect(try s.update(snapshot: v3).map { try $0.wire.sotw.names } == [["a", "c"]])
    }

    @Test func changedNamesAreAnsweredEvenWhenNothingChanged() throws {
        var s = session(RecordingObserver())
        let nonce = try s.receive(sotwRequest(.endpoint, names: ["a"]), snapshot: v1)[0].wire.sotw.nonce
        let out = s.receive(sotwRequest(.endpoint, names: ["a", "b"], version: "1", nonce: nonce), snapshot: v1)
        #expect(try out.map { try $0.wire.sotw.names } == [["a", "b"]])
    }

    @Test func emptyNamesAfterExplicitNamesMeanNone() throws {
        var s = session(RecordingObserver())
        let nonce = try s.receive(sotwRequest(.endpoint, names: ["a"]), snapshot: v1)[0].wire.sotw.nonce
        let out = s.receive(sotwRequest(.endpoint, names: [], version: "1", nonce: nonce), snapshot: v1)
        #expect(try out.map { try $0.wire.sotw.names } == [[]])
        #expect(StateOfTheWorldSession.subscription(after: [], current: nil) == .wildcard)
        #expect(StateOfTheWorldSession.subscription(after: ["*"], current: .names(["a"])) == .wildcard)
    }

    @Test func updatePushesOnlyChangedTypesInOrderAndEndpointsAfterClusters() throws {
        var s = session(RecordingObserver())
        var nonces: [ResourceType: String] = [:]
        for (type, names) in [
            (ResourceType.cluster, [String]()), (.endpoint, ["a", "b"]), (.listener, []), (.route, ["http"]),
        ] {
            nonces[type] = try s.receive(sotwRequest(type, names: names), snapshot: v1)[0].wire.sotw.nonce
            _ = s.receive(sotwRequest(type, names: names, version: "1", nonce: nonces[type]!), snapshot: v1)
        }
        // Only the route changes: one RDS response.
        let routeOnly = FakeSnapshot.make(
            version: 2, clusters: ["a": 1, "b": 1], routes: ["http": ["b"]], listeners: ["listener_http": "http"])
        #expect(try s.update(snapshot: routeOnly).map { try $0.wire.sotw.typeURL } == [ResourceType.route.typeURL])
        // A cluster changes: CDS, then EDS although endpoints are unchanged (docs/xds-protocol.md, rule 13).
        let clusterChange = FakeSnapshot.make(
            version: 3, clusters: ["a": 2, "b": 1], routes: ["http": ["b"]], listeners: ["listener_http": "http"])
        let out = s.update(snapshot: clusterChange)
        #expect(
            try out.map { try $0.wire.sotw.typeURL } == [ResourceType.cluster.typeURL, ResourceType.endpoint.typeURL])
        #expect(Set(try out.map { try $0.wire.sotw.nonce }).count == 2)
    }

    @Test func reconnectingNodeWithTheCurrentContentGetsNothingNew() throws {
        let observer = RecordingObserver()
        let v5 = FakeSnapshot.make(version: 5, clusters: ["a": 1, "b": 1])
        var s = session(observer, past: [1: v1])
        // It claims version 1; version 5 has the same clusters.
        #expect(s.receive(sotwRequest(.cluster, version: "1"), snapshot: v5).isEmpty)
        #expect(observer.all == [.acked("proxy-1", .cluster, "1")])
        // A later change still reaches it.
        let v6 = FakeSnapshot.make(version: 6, clusters: ["a": 1])
        #expect(try s.update(snapshot: v6).map { try $0.wire.sotw.versionInfo } == ["6"])
    }

    @Test func reconnectingNodeGetsNamedResourcesAgainUnderItsOwnVersion() throws {
        let observer = RecordingObserver()
        let v5 = FakeSnapshot.make(version: 5, clusters: ["a": 1, "b": 1], routes: ["http": ["a"]])
        var s = session(observer, past: [1: v1])
        let out = try s.receive(sotwRequest(.route, names: ["http"], version: "1"), snapshot: v5).map {
            try $0.wire.sotw
        }
        #expect(out.map(\.versionInfo) == ["1"])
        #expect(out.map(\.names) == [["http"]])
        // An unrelated change later pushes nothing for this subscription.
        let nonce = out[0].nonce
        _ = s.receive(sotwRequest(.route, names: ["http"], version: "1", nonce: nonce), snapshot: v5)
        #expect(
            s.update(snapshot: FakeSnapshot.make(version: 6, clusters: ["a": 1, "b": 2], routes: ["http": ["a"]]))
                .filter { $0.type == .route }.isEmpty)
    }

    @Test func aReconnectedNodeKeepsClustersItsOldRoutesUseUntilNewRoutesAreLive() throws {
        var s = session(RecordingObserver(), past: [1: v1])
        // Version 5 moved the route to b and removed a while the node was away.
        let v5 = FakeSnapshot.make(version: 5, clusters: ["b": 1], routes: ["http": ["b"]])
        // It holds a and b, which is what it needs until its routes move: nothing to send yet.
        #expect(s.receive(sotwRequest(.cluster, version: "1"), snapshot: v5).isEmpty)
        let rds = try s.receive(sotwRequest(.route, names: ["http"], version: "1"), snapshot: v5)[0].wire.sotw
        let after = s.receive(sotwRequest(.route, names: ["http"], version: "5", nonce: rds.nonce), snapshot: v5)
        #expect(try after.filter { $0.type == .cluster }.map { try $0.wire.sotw.names } == [["b"]])
        #expect(try after.filter { $0.type == .cluster }.map { try $0.wire.sotw.versionInfo } == ["5"])
    }

    @Test func reconnectingNodeWithOldContentGetsTheCurrentVersion() throws {
        let v5 = FakeSnapshot.make(version: 5, clusters: ["a": 9])
        var s = session(RecordingObserver(), past: [1: v1])
        #expect(
            try s.receive(sotwRequest(.cluster, version: "1"), snapshot: v5).map { try $0.wire.sotw.versionInfo } == [
                "5"
            ])
        var unknown = session(RecordingObserver())
        #expect(try unknown.receive(sotwRequest(.cluster, version: "zz"), snapshot: v5).count == 1)
    }

    @Test func aRemovedClusterStaysUntilTheRoutesThatUsedItAreAccepted() throws {
        var s = session(RecordingObserver())
        let cds = try s.receive(sotwRequest(.cluster), snapshot: v1)[0].wire.sotw.nonce
        _ = s.receive(sotwRequest(.cluster, version: "1", nonce: cds), snapshot: v1)
        let rds = try s.receive(sotwRequest(.route, names: ["http"]), snapshot: v1)[0].wire.sotw.nonce
        _ = s.receive(sotwRequest(.route, names: ["http"], version: "1", nonce: rds), snapshot: v1)
        // Version 2 moves the route from a to b and removes a in one step.
        let v2 = FakeSnapshot.make(version: 2, clusters: ["b": 1], routes: ["http": ["b"]])
        let push = s.update(snapshot: v2)
        // Clusters a and b are what the node needs until the new routes are live: no CDS yet.
        #expect(try push.map { try $0.wire.sotw.typeURL } == [ResourceType.route.typeURL])
        let newRDS = try push[0].wire.sotw.nonce
        // Once the new routes are accepted, a goes.
        let after = s.receive(sotwRequest(.route, names: ["http"], version: "2", nonce: newRDS), snapshot: v2)
        #expect(try after.map { try $0.wire.sotw.names } == [["b"]])
    }
}
