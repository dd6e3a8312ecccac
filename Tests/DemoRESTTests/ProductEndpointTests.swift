import DemoREST
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("the inventory endpoints")
struct ProductEndpointTests {
    @Test("GET /api/categories lists each category with its product count, by name")
    func categories() async throws {
        try await withBackend { client in
            let response = try await client.get("/api/categories")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let categories = try #require(response.object["categories"] as? [[String: Any]])
            #expect(categories.map { $0["name"] as? String } == ["Books", "Garden", "Tools"])
            #expect(categories.map { $0["product_count"] as? Int } == [2, 3, 2])
        }
    }

    @Test("GET /api/products with no query answers page 1 of 20, every product in id order")
    func listAll() async throws {
        try await withBackend { client in
            let response = try await client.get("/api/products")
            #expect(response.status == .ok)
            #expect(response.ids == [1, 2, 3, 4, 5, 6, 7])
            #expect(response.object["page"] as? Int == 1)
            #expect(response.object["per_page"] as? Int == 20)
            #expect(response.object["total"] as? Int == 7)
        }
    }

    @Test("a product answers every CSV field, quoted commas and line breaks intact")
    func productFields() async throws {
        try await withBackend { client in
            let hammer = try await client.get("/api/products/1")
            #expect(hammer.status == .ok)
            #expect(hammer.object["name"] as? String == "Hammer, Claw")
            #expect(hammer.object["category"] as? String == "Tools")
            #expect(hammer.object["price"] as? Double == 19.99)
            #expect(hammer.object["stock"] as? Int == 5)
            #expect(hammer.object["description"] as? String == "Forged steel head")
            #expect(String(buffer: hammer.body).contains("\"price\":19.99"))
            let book = try await client.get("/api/products/7")
            #expect(book.object["description"] as? String == "All about hammers,\ndrills and saws")
        }
    }

    @Test("category filters without regard to case; an unknown category is an empty list, not an error")
    func categoryFilter() async throws {
        try await withBackend { client in
            #expect(try await client.get("/api/products?category=Garden").ids == [3, 4, 6])
            #expect(try await client.get("/api/products?category=garden").ids == [3, 4, 6])
            let unknown = try await client.get("/api/products?category=Spaceships")
            #expect(unknown.status == .ok)
            #expect(unknown.ids == [])
            #expect(unknown.object["total"] as? Int == 0)
        }
    }

    @Test("min_price and max_price bound the price, both ends included")
    func priceFilter() async throws {
        try await withBackend { client in
            let expected: [(query: String, ids: [Int])] = [
                ("min_price=25", [2, 3, 6, 7]),
                ("max_price=19.99", [1, 4, 5]),
                ("min_price=14.25&max_price=25.00", [1, 3, 4]),
                ("min_price=30&max_price=30", [7]),
            ]
            for (query, ids) in expected {
                let response = try await client.get("/api/products?" + query)
                #expect(response.ids == ids, "\(query)")
            }
        }
    }

    @Test("q matches a case-insensitive substring of the name or the description")
    func textSearch() async throws {
        try await withBackend { client in
            let expected: [(query: String, ids: [Int])] = [
                ("q=HAMMER", [1, 7]),
                ("q=seed", [5]),
                ("q=garden%20hose", [3]),
                ("q=nothing-like-this", []),
            ]
            for (query, ids) in expected {
                let response = try await client.get("/api/products?" + query)
                #expect(response.ids == ids, "\(query)")
            }
        }
    }

    @Test("filters combine: every one given must hold")
    func combinedFilters() async throws {
        try await withBackend { client in
            let response = try await client.get("/api/products?category=Garden&q=e&max_price=30")
            #expect(response.ids == [3, 4])
            #expect(response.object["total"] as? Int == 2)
        }
    }

    @Test("page and per_page cut the matches; total counts them all; a page past the end is empty")
    func paging() async throws {
        try await withBackend { client in
            let first = try await client.get("/api/products?per_page=3")
            #expect(first.ids == [1, 2, 3])
            #expect(first.object["per_page"] as? Int == 3)
            #expect(first.object["total"] as? Int == 7)
            #expect(try await client.get("/api/products?per_page=3&page=2").ids == [4, 5, 6])
            let last = try await client.get("/api/products?per_page=3&page=3")
            #expect(last.ids == [7])
            #expect(last.object["page"] as? Int == 3)
            let beyond = try await client.get("/api/products?per_page=3&page=4")
            #expect(beyond.status == .ok)
            #expect(beyond.ids == [])
            #expect(beyond.object["total"] as? Int == 7)
            let huge = try await client.get("/api/products?per_page=100&page=\(Int.max)")
            #expect(huge.status == .ok)
            #expect(huge.ids == [])
            #expect(try await client.get("/api/products?category=Tools&per_page=1&page=2").ids == [2])
        }
    }

    @Test("an unknown or non-numeric product id is 404 not_found in the JSON error shape")
    func unknownProduct() async throws {
        try await withBackend { client in
            for uri in ["/api/products/999", "/api/products/abc", "/api/products/-1"] {
                let response = try await client.get(uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.error["code"] as? String == "not_found", "\(uri)")
                #expect(response.error["field"] as? String == "id", "\(uri)")
                #expect((response.error["message"] as? String)?.isEmpty == false, "\(uri)")
                #expect(response.instance == "rest-test", "\(uri)")
            }
        }
    }

    @Test("unknown paths and methods answer a JSON error, not an empty body")
    func unknownPaths() async throws {
        try await withBackend { client in
            for uri in ["/nope", "/api", "/api/nope", "/api/products/1/extra"] {
                let response = try await client.get(uri)
                #expect(response.status == .notFound, "\(uri)")
                #expect(response.error["code"] as? String == "not_found", "\(uri)")
                #expect(response.error.keys.contains("field"), "\(uri)")
                #expect(response.instance == "rest-test", "\(uri)")
            }
            let posted = try await client.execute(uri: "/api/products", method: .post)
            #expect([.notFound, .methodNotAllowed].contains(posted.status))
            #expect(["not_found", "method_not_allowed"].contains(posted.error["code"] as? String))
        }
    }

    @Test("GET /health answers ok and the instance name")
    func health() async throws {
        try await withBackend(instanceName: "rest-7") { client in
            let response = try await client.get("/health")
            #expect(response.status == .ok)
            #expect(response.object["status"] as? String == "ok")
            #expect(response.object["instance"] as? String == "rest-7")
        }
    }

    @Test("every answer, success or error, carries x-backend-instance")
    func instanceHeader() async throws {
        try await withBackend(instanceName: "rest-2") { client in
            for uri in [
                "/health", "/api/categories", "/api/products", "/api/products/1", "/api/products/999",
                "/api/products?page=0", "/nope", "/debug/requests", "/api/delay?ms=0",
            ] {
                let response = try await client.get(uri)
                #expect(response.instance == "rest-2", "\(uri)")
            }
        }
    }

    @Test("one access log line per request: method, path and final status")
    func accessLog() async throws {
        let log = RecordedLog()
        try await withBackend(logger: log.logger) { client in
            _ = try await client.get("/api/products?category=Tools")
            _ = try await client.get("/api/products/999")
            _ = try await client.get("/nope")
            _ = try await client.get("/health")
        }
        #expect(
            log.messages == [
                "GET /api/products 200", "GET /api/products/999 404", "GET /nope 404", "GET /health 200",
            ])
    }
}
