import AdminAPI
import EnvoyAPI
import EventLog
import Foundation
import Gateway
import LogbookCore
import Synchronization
import TestSupport
import Testing
import XDS

@testable import LogbookServer

#if canImport(Glibc)
    import Glibc
#endif

/// The xDS server over a real socket: a client that sends a request and never reads is closed
/// once its stream has been unwritable for the stall timeout, and NACKs are counted in /metrics.
@Suite(.timeLimit(.minutes(1))) struct StalledStreamServerTests {
    final class Observer: StreamObserver {
        let notes = Mutex<[String]>([])
        var all: [String] { notes.withLock { $0 } }
        func connected(_ node: NodeIdentity) { notes.withLock { $0.append("connected \(node.id)") } }
        func disconnected(_ node: NodeIdentity) { notes.withLock { $0.append("disconnected \(node.id)") } }
        func acked(_ node: NodeIdentity, type: ResourceType, version: String) {}
        func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String) {}
        func stalled(_ node: NodeIdentity, after: Duration) { notes.withLock { $0.append("stalled \(node.id)") } }
    }

    /// 1,000 services: a CDS response of well over the 64 KiB a client's window takes.
    static func bigState() -> GatewayState {
        var state = GatewayState()
        for index in 1...1_000 {
            let service = Service(name: "service-\(index)", endpoints: [Endpoint(host: "127.0.0.1", port: 8000)])
            state.apply(.serviceRegistered(service), seq: UInt64(index))
        }
        return state
    }

    @Test func aClientThatNeverReadsIsClosedAfterTheStallTimeout() async throws {
        let state = Self.bigState()
        let store = SnapshotStore(state: state) { _ in state }
        let observer = Observer()
        let service = AggregatedDiscoveryService(
            source: store, observer: observer, limits: StreamLimits(inbox: 16, stallTimeout: .seconds(1)))
        let (ports, feed) = AsyncStream<Int>.makeStream()
        let server = Task {
            try await XDSServer(host: "127.0.0.1", port: 0, service: service) { feed.yield($0) }.run()
        }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the xDS server did not start") }
        let socket = try RawADSClient.open(port: port, nodeID: "never-reads")
        defer { close(socket) }
        let started = ContinuousClock.now
        _ = try await eventually(within: .seconds(15), "the stalled stream is closed") {
            observer.all.contains("disconnected never-reads") ? true : nil
        }
        #expect(ContinuousClock.now - started >= .milliseconds(900))
        #expect(observer.all == ["connected never-reads", "stalled never-reads", "disconnected never-reads"])
        #expect(store.watcherCount == 0)
        server.cancel()
        _ = await server.result
    }

    @Test func nacksAreCountedAndAProxyRejectingTheHeadIsAGauge() async throws {
        let dir = try TemporaryDirectory()
        let store = try LMDBEventStore(directory: dir.path + "/data")
        defer { store.close() }
        let logbook = try Logbook(store: store)
        let recorder = try ObservationRecorder(logbook: logbook)
        let metrics = APIMetrics()
        let bridge = ObservationBridge(recorder: recorder, metrics: metrics)
        let collector = metrics.addCollector(XDSMetricsCollector(recorder: recorder, metrics: metrics).collect)
        defer { metrics.removeCollector(collector) }
        let node = NodeIdentity(id: "edge-1", cluster: "")
        bridge.connected(node)
        bridge.acked(node, type: .cluster, version: "1")
        for _ in 0..<3 { bridge.nacked(node, type: .cluster, version: "2", message: "bad cluster") }
        bridge.nacked(node, type: .route, version: "2", message: "bad route")
        var text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"logbook_xds_nacks_total{type="CDS"} 3"#))
        #expect(text.contains(#"logbook_xds_nacks_total{type="RDS"} 1"#))
        #expect(text.contains("logbook_xds_proxies_rejecting 1"))
        bridge.acked(node, type: .route, version: "3")
        text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("logbook_xds_proxies_rejecting 0"))
    }
}

/// A client written by hand on a socket: HTTP/2 preface, SETTINGS, one ADS request, then it
/// never reads, so it never sends a WINDOW_UPDATE and the server's stream window runs out.
enum RawADSClient {
    static func open(port: Int, nodeID: String) throws -> Int32 {
        let fd = try connectLoopback(port: port)
        var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
        request.node.id = nodeID
        request.typeURL = ResourceType.cluster.typeURL
        let message: [UInt8] = try request.serializedBytes()
        var bytes = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        bytes += frame(type: 4, flags: 0, stream: 0, payload: [])
        var headers: [UInt8] = []
        for (name, value) in [
            (":method", "POST"), (":scheme", "http"),
            (":path", "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources"),
            (":authority", "127.0.0.1"), ("content-type", "application/grpc"), ("te", "trailers"),
        ] {
            // Literal header field without indexing, new name, no Huffman coding.
            headers +=
                [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        bytes += frame(type: 1, flags: 0x4, stream: 1, payload: headers)
        let length = UInt32(message.count)
        let grpc: [UInt8] =
            [0, UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
            + message
        bytes += frame(type: 0, flags: 0, stream: 1, payload: grpc)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else {
            close(fd)
            throw TestFailure("send failed")
        }
        return fd
    }

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [
            UInt8(length >> 16), UInt8((length >> 8) & 0xff), UInt8(length & 0xff), type, flags,
            UInt8(stream >> 24), UInt8((stream >> 16) & 0xff), UInt8((stream >> 8) & 0xff), UInt8(stream & 0xff),
        ] + payload
    }
}
