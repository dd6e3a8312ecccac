import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogbookCore
import Prometheus
import Testing

/// Lists what `addEndpoints` registers, as "GET /services/{key}", instead of serving it.
final class EndpointRecorder: RouterMethods {
    typealias Context = AdminRequestContext
    var endpoints: [String] = []

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        endpoints.append("\(method.rawValue) \(path.description)")
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self { self }
}

@Suite("operations: metrics and the OpenAPI document")
struct OperationsEndpointTests {
    @Test("GET /metrics counts requests by route pattern and status, appends by type, head and version")
    func metrics() async throws {
        let harness = try LogHarness()
        // Each application gets its own registry: nothing here bootstraps the global system.
        let metrics = APIMetrics(registry: PrometheusCollectorRegistry())
        let app = try buildApplication(logbook: harness.logbook, configuration: .init(port: 0), metrics: metrics)
        try await app.test(.router) { client in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.get, "/services/rest-api")
            _ = try await client.send(.get, "/services/nope")
            _ = try await client.send(.get, "/no/such/path")
            let response = try await client.send(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.text
            #expect(
                text.contains(#"logbook_http_requests_total{method="POST",route="/services/add",status="201"} 1"#),
                "\(text)")
            #expect(text.contains(#"logbook_http_requests_total{method="POST",route="/services/add",status="409"} 1"#))
            #expect(text.contains(#"logbook_http_requests_total{method="GET",route="/services/{key}",status="200"} 1"#))
            #expect(text.contains(#"logbook_http_requests_total{method="GET",route="/services/{key}",status="404"} 1"#))
            #expect(text.contains(#"route="NotFound",status="404"} 1"#))
            #expect(!text.contains("/services/nope"), "raw paths must not become label values")
            #expect(text.contains(#"logbook_events_appended_total{type="ServiceRegistered"} 1"#))
            #expect(text.contains("logbook_append_duration_seconds_count 1"))
            // Which finite bucket the one append lands in depends on the machine's load (a loaded
            // 2-core CI box has taken over a second); that the buckets are rendered does not.
            #expect(text.contains("logbook_append_duration_seconds_bucket{le=\"1.0\"}"))
            #expect(text.contains("logbook_append_duration_seconds_bucket{le=\"+Inf\"} 1"))
            #expect(text.contains("logbook_log_head 1"))
            #expect(text.contains("logbook_config_version 1"))
        }
    }

    @Test("two applications in one process keep separate registries")
    func separateRegistries() async throws {
        let first = try LogHarness()
        let second = try LogHarness()
        let firstMetrics = APIMetrics()
        let secondMetrics = APIMetrics()
        try await buildApplication(logbook: first.logbook, metrics: firstMetrics).test(.router) { client in
            _ = try await client.send(.get, "/healthz")
        }
        try await buildApplication(logbook: second.logbook, metrics: secondMetrics).test(.router) { client in
            _ = try await client.send(.get, "/status")
        }
        let firstText = String(decoding: firstMetrics.render(), as: UTF8.self)
        #expect(firstText.contains(#"route="/healthz""#))
        #expect(!firstText.contains(#"route="/status""#))
    }

    @Test("GET /openapi.json is OpenAPI 3.1 and describes every route the API serves")
    func openAPICoversEveryRoute() async throws {
        try await withAPI { client, _ in
            let response = try await client.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            let document = response.object
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            // Parameter names differ ({key} in the router, {name} or {id} in the document): compare shapes.
            func shape(_ path: String) -> String {
                path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "{}", options: .regularExpression)
            }
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(shape(path))") }
            }
            let harness = try LogHarness()
            let recorder = EndpointRecorder()
            try addEndpoints(to: recorder, logbook: harness.logbook, configuration: .init(), metrics: APIMetrics())
            let served = Set(
                recorder.endpoints.map { endpoint in
                    let parts = endpoint.split(separator: " ", maxSplits: 1).map(String.init)
                    return "\(parts[0]) \(shape(parts[1].hasPrefix("/") ? parts[1] : "/" + parts[1]))"
                })
            #expect(served.count >= 27, "\(served.sorted())")
            #expect(served.subtracting(documented).isEmpty, "undocumented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "not served: \(documented.subtracting(served).sorted())")
        }
    }

    @Test("the OpenAPI resource schemas refuse unknown fields and name the required ones")
    func openAPISchemas() async throws {
        try await withAPI { client, _ in
            let document = try await client.send(.get, "/openapi.json").object
            let schemas = try #require(
                (document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            let service = try #require(schemas["Service"])
            #expect(service["additionalProperties"] as? Bool == false)
            #expect(service["required"] as? [String] == ["name", "endpoints"])
            let lb = (service["properties"] as? [String: [String: Any]])?["lb_policy"]
            #expect(lb?["enum"] as? [String] == ["round_robin", "least_request", "random", "ring_hash", "maglev"])
            #expect(schemas["Route"]?["required"] as? [String] == ["name", "match"])
            #expect(schemas["Proxy"]?["additionalProperties"] as? Bool == false)
            let error = try #require(schemas["Error"])
            #expect(error["required"] as? [String] == ["error"])
        }
    }

    @Test("an age too large to be a time is a 400, not a crash")
    func hugeAge() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .get, "/events?since=99999999999999999999999d", status: .badRequest, field: "since")
            try await expectRejected(client, harness, .get, "/state?at=1e400s", status: .badRequest, field: "at")
        }
    }
}
