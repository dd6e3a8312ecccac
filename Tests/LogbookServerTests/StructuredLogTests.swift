import AdminAPI
import EventLog
import EnvoyAPI
import Foundation
import GRPCCore
import Gateway
import LogbookCore
import LogbookServer
import Logging
import Synchronization
import TestSupport
import Testing

@testable import XDS

/// The lines a `JSONLogHandler` wrote, for a test to read.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }
    var objects: [[String: Any]] { all.compactMap(jsonObject) }

    func logger(label: String = "test", level: Logger.Level = .info) -> Logger {
        Logger(label: label) { label in
            JSONLogHandler(label: label, level: level) { [self] line in lines.withLock { $0.append(line) } }
        }
    }
}

/// One JSON object from a log line; nil for a line that is not one (the plain `logbook:` lines).
func jsonObject(_ line: some StringProtocol) -> [String: Any]? {
    guard line.hasPrefix("{") else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

@Suite("structured logs")
struct StructuredLogTests {
    @Test("a JSON line: timestamp, level, label, message, and each metadata key as a field")
    func lineShape() throws {
        let line = JSONLogHandler.line(
            level: .warning, label: "logbook", message: "closed \"x\"",
            metadata: [
                "request.id": "r-1", "http.status": .stringConvertible(201), "xds.nodes": ["a", "b"],
                "message": "not the message",
            ],
            at: Date(timeIntervalSince1970: 1.5))
        #expect(line.hasSuffix("}\n"))
        #expect(line.dropLast().split(separator: "\n").count == 1, "one line: \(line)")
        let object = try #require(jsonObject(line), "\(line)")
        #expect(object["timestamp"] as? String == "1970-01-01T00:00:01.500Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "logbook")
        #expect(object["message"] as? String == "closed \"x\"", "metadata never replaces the message")
        #expect(object["request.id"] as? String == "r-1")
        #expect(object["http.status"] as? String == "201")
        #expect(object["xds.nodes"] as? [String] == ["a", "b"])
        #expect(object.count == 7)
    }

    @Test("the handler merges the logger's metadata with the event's, and drops what is below its level")
    func handlerLevelsAndMetadata() throws {
        let captured = CapturedLines()
        var logger = captured.logger(level: .notice)
        logger[metadataKey: "logbook.component"] = "api"
        logger.info("dropped")
        logger.notice("kept", metadata: ["request.id": "r-2"])
        logger.error("also kept")
        #expect(captured.all.count == 2, "\(captured.all)")
        let kept = try #require(captured.objects.first)
        #expect(kept["message"] as? String == "kept")
        #expect(kept["label"] as? String == "test")
        #expect(kept["logbook.component"] as? String == "api")
        #expect(kept["request.id"] as? String == "r-2")
        #expect(captured.objects.last?["level"] as? String == "error")
    }

    @Test("a pinned version that cannot be built is logged at error and counted; the head is served")
    func pinnedSnapshotFailureIsLoudAndCounted() throws {
        var state = GatewayState()
        state.apply(.proxyRegistered(Proxy(id: "edge-1", host: "127.0.0.1", httpPort: 10000)), seq: 1)
        state.apply(.proxyPinned(key: .node("edge-1"), version: 1), seq: 2)
        #expect(state.pins[.node("edge-1")] == 1 && state.version == 2)
        let captured = CapturedLines()
        let metrics = APIMetrics()
        struct Broken: Error {}
        let store = SnapshotStore(
            state: state, logger: captured.logger(), countFailure: { metrics.recordError(kind: $0) }
        ) { _ in throw Broken() }

        let served = store.snapshot(for: NodeIdentity(id: "edge-1"))
        #expect(served.version == 2, "the head is served")
        let line = try #require(captured.objects.first, "\(captured.all)")
        #expect(line["level"] as? String == "error")
        #expect(line["xds.node_id"] as? String == "edge-1")
        #expect(line["xds.pinned_version"] as? String == "1")
        let rendered = String(decoding: metrics.render(), as: UTF8.self)
        #expect(rendered.contains("logbook_errors_total{kind=\"pinned_snapshot\"} 1"), "\(rendered)")
    }

    @Test("a checkpoint that does not decode is logged at error and counted; the state is folded from the log")
    func undecodableCheckpointIsLoudAndCounted() async throws {
        let store = InMemoryEventStore()
        let first = try Logbook(store: store)
        _ = try await first.execute(
            .registerService(Service(name: "a", endpoints: [Endpoint(host: "127.0.0.1", port: 8001)])))
        _ = try await first.execute(
            .addRoute(
                Route(
                    name: "r", match: RouteMatch(prefix: "/"), destination: .service("a"),
                    rateLimit: RateLimit(requests: 5, per: .seconds(1)))))
        // The current state under format 1's tag: a checkpoint an older build wrote.
        var old = first.state.encoded()
        old[4] = 1
        try await store.saveCheckpoint(sequence: 2, state: old)

        let captured = CapturedLines()
        let metrics = APIMetrics()
        let reopened = try Logbook(
            store: store, logger: captured.logger(), countFailure: { metrics.recordError(kind: $0) })
        #expect(reopened.state == first.state)
        let line = try #require(captured.objects.first, "\(captured.all)")
        #expect(line["level"] as? String == "error")
        #expect(line["checkpoint.sequence"] as? String == "2")
        #expect((line["error"] as? String)?.contains("format 1") == true, "\(line)")
        let rendered = String(decoding: metrics.render(), as: UTF8.self)
        #expect(rendered.contains("logbook_errors_total{kind=\"checkpoint_decode\"} 1"), "\(rendered)")
    }

    @Test("a reconnecting node's version that cannot be built is logged at error and counted; the head is sent")
    func versionSnapshotFailureIsLoudAndCounted() async throws {
        var state = GatewayState()
        let endpoints = [Endpoint(host: "127.0.0.1", port: 8000)]
        state.apply(.serviceRegistered(Service(name: "a", endpoints: endpoints)), seq: 1)
        state.apply(.serviceRegistered(Service(name: "b", endpoints: endpoints)), seq: 2)
        let captured = CapturedLines()
        let metrics = APIMetrics()
        struct Broken: Error {}
        let store = SnapshotStore(state: state) { _ in throw Broken() }
        let service = AggregatedDiscoveryService(
            source: store, observer: SilentObserver(), logger: captured.logger(),
            countFailure: { metrics.recordError(kind: $0) })
        let writer = CollectingWriter()
        let (requests, send) = AsyncThrowingStream<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error>.makeStream()
        var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
        request.typeURL = ResourceType.cluster.typeURL
        request.versionInfo = "1"
        request.node.id = "edge-1"
        send.yield(request)
        send.finish()
        try await service.stateOfTheWorld(requests: requests, writer: RPCWriter(wrapping: writer))

        let sent = try #require(writer.all.first)
        #expect(try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: sent.bytes).versionInfo == "2")
        let line = try #require(captured.objects.first { $0["level"] as? String == "error" }, "\(captured.all)")
        #expect(line["xds.node_id"] as? String == "edge-1")
        #expect(line["xds.claimed_version"] as? String == "1")
        let rendered = String(decoding: metrics.render(), as: UTF8.self)
        #expect(rendered.contains("logbook_errors_total{kind=\"version_snapshot\"} 1"), "\(rendered)")
    }

    struct SilentObserver: StreamObserver {
        func connected(_ node: NodeIdentity) {}
        func disconnected(_ node: NodeIdentity) {}
        func acked(_ node: NodeIdentity, type: ResourceType, version: String) {}
        func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String) {}
    }

    final class CollectingWriter: RPCWriterProtocol, Sendable {
        private let written = Mutex<[WireResponse]>([])
        var all: [WireResponse] { written.withLock { $0 } }
        func write(_ element: WireResponse) async throws { written.withLock { $0.append(element) } }
        func write(contentsOf elements: some Sequence<WireResponse>) async throws {
            for element in elements { try await write(element) }
        }
    }
}

/// `logbook serve --log-format json`: what log aggregation ingests.
@Suite("serve: structured logs", .serialized)
struct ServeLogTests {
    @Test("a mutation's JSON line carries its request id, actor, route, status and duration")
    func requestLineCarriesRequestID() async throws {
        let dir = try TemporaryDirectory()
        let server = try await LogbookServe(
            dataDir: dir.path + "/data", extra: ["--log-format", "json"], log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        let added = try await HTTP.request(
            "POST", server.api + "/services/add",
            json: ["name": "logged", "protocol": "http1", "endpoints": ["127.0.0.1:9999"]],
            headers: ["X-Request-Id": "test-123", "X-Actor": "alice"])
        #expect(added.status == 201, "\(added.text)")
        let line = try await eventually(within: .seconds(10), "a JSON line with request.id test-123") {
            server.child.log.split(separator: "\n").compactMap(jsonObject).first {
                $0["request.id"] as? String == "test-123"
            }
        }
        #expect(line["level"] as? String == "info")
        #expect(line["label"] as? String == "logbook")
        #expect(line["http.route"] as? String == "/services/add")
        #expect(line["http.method"] as? String == "POST")
        #expect(line["http.status"] as? String == "201")
        #expect(line["request.actor"] as? String == "alice")
        #expect(Double(line["http.duration_ms"] as? String ?? "") != nil, "\(line)")
        #expect(line["timestamp"] is String && line["message"] is String)

        // A successful read logs at debug, below the default level; a refused one at info.
        let read = try await HTTP.request("GET", server.api + "/services/logged", headers: ["X-Request-Id": "read-1"])
        #expect(read.status == 200)
        let missing = try await HTTP.request("GET", server.api + "/services/none", headers: ["X-Request-Id": "read-2"])
        #expect(missing.status == 404)
        let refusedLine = try await eventually(within: .seconds(10), "a JSON line with request.id read-2") {
            server.child.log.split(separator: "\n").compactMap(jsonObject).first { $0["request.id"] as? String == "read-2" }
        }
        #expect(refusedLine["level"] as? String == "info")
        #expect(!server.child.log.contains("read-1"), "\(server.child.log)")
    }

    @Test("--log-level warning drops the info lines of requests; an unknown level is refused")
    func levelFilters() async throws {
        let dir = try TemporaryDirectory()
        let server = try await LogbookServe(
            dataDir: dir.path + "/data", extra: ["--log-format", "json", "--log-level", "warning"],
            log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        let answer = try await HTTP.request(
            "GET", server.api + "/services", headers: ["X-Request-Id": "quiet-1"])
        #expect(answer.status == 200)
        // The answer is out; its log line, if any, would have been written before it.
        try await Task.sleep(for: .milliseconds(300))
        let objects = server.child.log.split(separator: "\n").compactMap(jsonObject)
        #expect(!objects.contains { $0["request.id"] as? String == "quiet-1" }, "\(server.child.log)")
        #expect(objects.allSatisfy { ["warning", "error", "critical"].contains($0["level"] as? String) })

        let refused = try await runToEnd(
            logbookExecutable,
            ["serve", "--data-dir", dir.path + "/other", "--http-port", "0", "--log-level", "loud"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--log-level"), "\(refused.stderr)")
    }
}
