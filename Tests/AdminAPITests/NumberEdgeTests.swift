import AdminAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Every number a client can put in a query, a path, a header or a body, driven through its
/// whole range and its edges: the answer is a 2xx or a 4xx that names the parameter, never a
/// 5xx, and never a trap (a trap would end this test process).
@Suite("client numbers at their edges")
struct NumberEdgeTests {
    /// The edges of every integer type the server parses, and text that only looks numeric.
    static let edges: [String] = [
        "0", "1", "-1", "2147483647", "2147483648", "4294967295", "4294967296", "9007199254740993",
        "9223372036854775806", "9223372036854775807", "9223372036854775808", "18446744073709551614",
        "18446744073709551615", "18446744073709551616", "1000000000000000000000000000000", "1e5", "0x10", "+1",
        "%201", "1%20", "NaN", "%D9%A1", "-0", "00000000000000000000000001",
    ]

    /// Query parameters that carry a sequence, a version or a count, with the path that takes each.
    static let queries: [(path: String, parameter: String)] = [
        ("/events", "after_seq"), ("/events", "cursor"), ("/events", "limit"),
        ("/versions", "cursor"), ("/versions", "limit"),
        ("/state", "version"), ("/diff?to=1", "from"), ("/diff?from=1", "to"),
        ("/config?node=proxy-1", "version"), ("/proxies/proxy-1/history", "limit"),
        ("/services", "limit"), ("/routes", "limit"), ("/proxies", "limit"),
        ("/events/stream?limit=1&after_seq=0", "limit"), ("/events/stream?limit=1", "after_seq"),
    ]

    /// A walk over the whole UInt64 range beside the edges: each power of two, one below and one
    /// above it, so every magnitude a client could send is tried.
    static var sampled: [String] {
        (1...63).flatMap { bit -> [String] in
            let power = UInt64(1) << UInt64(bit)
            return [String(power - 1), String(power), String(power + 1)]
        }
    }

    /// A stream from the head is live: it rightly waits for the next event, so it is not a case.
    static func waitsLive(_ path: String, _ parameter: String, _ value: String, _ head: UInt64) -> Bool {
        path.hasPrefix("/events/stream") && parameter == "after_seq" && UInt64(value) == head
    }

    func check(_ response: TestResponse, _ what: String) {
        // In process there is no xDS server to render /config: its one documented 503.
        let unrendered = response.status == .serviceUnavailable && response.text.contains("runs none")
        #expect(response.status.code < 500 || unrendered, "\(what) answered \(response.status.code): \(response.text)")
        if response.status.code >= 400 {
            let error = response.object["error"] as? [String: Any]
            #expect(error?["message"] is String, "\(what): \(response.text)")
        }
    }

    @Test("every integer query parameter through its edges and a sampled walk of its range")
    func queryParameters() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("third", port: 8003))
            for (path, parameter) in Self.queries {
                for value in Self.edges + Self.sampled where !Self.waitsLive(path, parameter, value, harness.head) {
                    let separator = path.contains("?") ? "&" : "?"
                    let uri = "\(path)\(separator)\(parameter)=\(value)"
                    check(try await client.send(.get, uri), "GET \(uri)")
                }
            }
            #expect(harness.head == 3)
        }
    }

    @Test("sequence path segments and headers through their edges")
    func pathsAndHeaders() async throws {
        try await withAPI { client, harness in
            // Three events, so small values stream from behind the head and end after one event.
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("other", port: 8002))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("third", port: 8003))
            for value in Self.edges + Self.sampled {
                check(try await client.send(.get, "/events/\(value)"), "GET /events/\(value)")
                if !Self.waitsLive("/events/stream", "after_seq", value, harness.head) {
                    check(
                        try await client.send(
                            .get, "/events/stream?limit=1", headers: [HTTPField.Name("Last-Event-ID")!: value]),
                        "Last-Event-ID: \(value)")
                }
                let ifMatch = try await client.send(
                    .put, "/services/rest-api", json: Fixture.service("rest-api", port: 8009),
                    headers: [.ifMatch: "\"\(value)\""])
                check(ifMatch, "If-Match: \(value)")
            }
            #expect(harness.head <= 4)
        }
    }

    @Test("versions in bodies (rollback, pin) through their edges")
    func bodies() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            let head = harness.head
            for value in Self.edges + Self.sampled where Int64(value) ?? 0 > Int64(head) || Int64(value) == nil {
                let rollback = try await client.send(
                    .post, "/config/rollback", json: #"{"version": \#(value), "reason": "edge"}"#)
                check(rollback, "rollback to \(value)")
                let pin = try await client.send(.post, "/proxies/proxy-1/pin", json: #"{"version": \#(value)}"#)
                check(pin, "pin at \(value)")
            }
            #expect(harness.head == head, "a refused version appended")
        }
    }
}
