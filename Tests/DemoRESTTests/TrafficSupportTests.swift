import DemoREST
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("the endpoints the gateway's traffic tests use")
struct TrafficSupportTests {
    @Test("GET /api/delay?ms=N waits at least N ms, then answers slept_ms")
    func delay() async throws {
        try await withBackend { client in
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await client.get("/api/delay?ms=120")
            #expect(clock.now - started >= .milliseconds(120))
            #expect(response.status == .ok)
            #expect(response.object["slept_ms"] as? Int == 120)
            let immediate = try await client.get("/api/delay?ms=0")
            #expect(immediate.object["slept_ms"] as? Int == 0)
        }
    }

    @Test("GET /debug/requests counts requests by path, leaving out /health and /debug/*")
    func requestCounts() async throws {
        try await withBackend(instanceName: "rest-shadow") { client in
            let empty = try await client.get("/debug/requests")
            #expect(empty.object["total"] as? Int == 0)
            #expect(empty.object["paths"] as? [String: Int] == [:])
            for uri in [
                "/api/products", "/api/products?category=Books", "/api/products?page=0", "/api/categories",
                "/api/products/2", "/nope", "/health", "/health", "/debug/requests", "/debug/other",
            ] {
                _ = try await client.get(uri)
            }
            let counts = try await client.get("/debug/requests")
            #expect(counts.status == .ok)
            #expect(counts.object["instance"] as? String == "rest-shadow")
            #expect(counts.object["total"] as? Int == 6)
            #expect(
                counts.object["paths"] as? [String: Int] == [
                    "/api/products": 3, "/api/categories": 1, "/api/products/2": 1, "/nope": 1,
                ])
        }
    }

    @Test("--fail-every 2 fails every other /api request with 503 injected_failure, counting per instance")
    func failEveryOther() async throws {
        try await withBackend(failEvery: 2) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<6 {
                let response = try await client.get("/api/products/1")
                statuses.append(response.status)
                if response.status == .serviceUnavailable {
                    #expect(response.error["code"] as? String == "injected_failure")
                    #expect(response.error.keys.contains("field"))
                    #expect(response.instance == "rest-test")
                }
            }
            #expect(statuses == [.ok, .serviceUnavailable, .ok, .serviceUnavailable, .ok, .serviceUnavailable])
        }
    }

    @Test("with --fail-every, /health and /debug/* always answer 200 and do not move the count")
    func failEverySparesHealth() async throws {
        try await withBackend(failEvery: 2) { client in
            #expect(try await client.get("/api/categories").status == .ok)
            for _ in 0..<3 {
                #expect(try await client.get("/health").status == .ok)
                #expect(try await client.get("/debug/requests").status == .ok)
            }
            // The second /api request fails, however many health checks came between.
            #expect(try await client.get("/api/categories").status == .serviceUnavailable)
            #expect(try await client.get("/api/delay?ms=0").status == .ok)
            let counts = try await client.get("/debug/requests")
            #expect(counts.object["total"] as? Int == 3)
        }
    }

    @Test("--fail-every 1 fails every /api request but nothing else; 0 fails none")
    func failEveryExtremes() async throws {
        try await withBackend(failEvery: 1) { client in
            let expected: [(uri: String, status: HTTPResponse.Status)] = [
                ("/api/products", .serviceUnavailable), ("/api/products", .serviceUnavailable),
                ("/health", .ok), ("/nope", .notFound),
            ]
            for (uri, status) in expected {
                let response = try await client.get(uri)
                #expect(response.status == status, "\(uri)")
            }
        }
        try await withBackend(failEvery: 0) { client in
            for _ in 0..<5 {
                let response = try await client.get("/api/products")
                #expect(response.status == .ok)
            }
        }
    }
}
