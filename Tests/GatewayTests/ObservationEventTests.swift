import Testing

@testable import Gateway

@Suite("Observation events: batching what proxies did")
struct ObservationEventTests {
    let cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
    let rds = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"

    @Test("ten thousand ACKs of one version make ten events of a thousand nodes")
    func batchesAcks() {
        let observations = (0..<10_000).map { ProxyObservation.acked(node: "n\($0)", typeURL: cds, version: "7") }
        let events = ProxyObservation.events(observations)
        #expect(events.count == 10)
        #expect(events.allSatisfy { $0.eventType == .proxyAcked && $0.entities.count == 1000 })
        #expect(events.flatMap(\.observations) == observations)
    }

    @Test("one event per kind, type URL, version and message")
    func groups() {
        let observations: [ProxyObservation] = [
            .connected(node: "a", cluster: "edge"), .connected(node: "b", cluster: ""),
            .acked(node: "a", typeURL: cds, version: "7"), .acked(node: "b", typeURL: cds, version: "7"),
            .acked(node: "a", typeURL: rds, version: "7"), .acked(node: "b", typeURL: cds, version: "8"),
            .nacked(node: "c", typeURL: rds, version: "8", message: "x"),
            .nacked(node: "d", typeURL: rds, version: "8", message: "y"),
            .disconnected(node: "e"),
        ]
        let events = ProxyObservation.events(observations)
        #expect(
            events == [
                .proxyConnected(nodes: [ConnectedNode(id: "a", cluster: "edge"), ConnectedNode(id: "b", cluster: "")]),
                .proxyAcked(ProxyAck(typeURL: cds, version: "7", nodes: ["a", "b"])),
                .proxyAcked(ProxyAck(typeURL: rds, version: "7", nodes: ["a"])),
                .proxyAcked(ProxyAck(typeURL: cds, version: "8", nodes: ["b"])),
                .proxyNacked(ProxyNack(typeURL: rds, version: "8", message: "x", nodes: ["c"])),
                .proxyNacked(ProxyNack(typeURL: rds, version: "8", message: "y", nodes: ["d"])),
                .proxyDisconnected(nodes: ["e"]),
            ])
    }

    @Test("a disconnect then a connect of one node in one batch are two events, in that order")
    func keepsEachNodesOrder() {
        let observations: [ProxyObservation] = [
            .connected(node: "b", cluster: "edge"), .disconnected(node: "a"), .connected(node: "a", cluster: "edge"),
            .disconnected(node: "b"), .connected(node: "b", cluster: "edge"),
        ]
        let events = ProxyObservation.events(observations)
        #expect(
            events == [
                .proxyConnected(nodes: [ConnectedNode(id: "b", cluster: "edge")]),
                .proxyDisconnected(nodes: ["a", "b"]),
                .proxyConnected(nodes: [
                    ConnectedNode(id: "a", cluster: "edge"), ConnectedNode(id: "b", cluster: "edge"),
                ]),
            ])
        for node in ["a", "b"] {
            #expect(
                events.flatMap(\.observations).filter { $0.node == node } == observations.filter { $0.node == node })
        }
    }

    @Test("a node id the log cannot index is dropped; long fields are cut between characters")
    func storable() {
        #expect(ProxyObservation.disconnected(node: "").storable == nil)
        #expect(ProxyObservation.disconnected(node: String(repeating: "x", count: 257)).storable == nil)
        #expect(ProxyObservation.disconnected(node: String(repeating: "x", count: 256)).storable != nil)
        let long = ProxyObservation.nacked(
            node: "a", typeURL: cds, version: "1", message: String(repeating: "é", count: 5000))
        guard case .nacked(_, _, _, let message) = long.storable else {
            Issue.record("a NACK with a long message is kept")
            return
        }
        #expect(message.utf8.count == 4096)
        #expect(message.allSatisfy { $0 == "é" })
    }

    @Test("observation events move the head but never the configuration version")
    func foldSkipsConfiguration() {
        var state = fold([.serviceRegistered(service("a"))])
        for event in ProxyObservation.events([
            .connected(node: "a", cluster: "edge"), .acked(node: "a", typeURL: cds, version: "1"),
            .nacked(node: "a", typeURL: cds, version: "1", message: "no"), .disconnected(node: "a"),
        ]) {
            #expect(event.kind == .observation)
            state.apply(event, seq: state.head + 1)
        }
        #expect(state.head == 5)
        #expect(state.version == 1)
        #expect(state == fold([.serviceRegistered(service("a"))]).skipping(through: 5))
    }
}

extension GatewayState {
    fileprivate func skipping(through seq: UInt64) -> GatewayState {
        var state = self
        while state.head < seq { state.skip(seq: state.head + 1) }
        return state
    }
}
