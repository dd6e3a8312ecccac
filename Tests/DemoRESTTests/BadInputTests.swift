import DemoREST
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("bad query values")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let query: String
        let field: String
        var testDescription: String { query }
    }

    @Test(
        "each bad query value is 400 bad_request naming the parameter",
        arguments: [
            Case(query: "min_price=abc", field: "min_price"),
            Case(query: "max_price=ten", field: "max_price"),
            Case(query: "min_price=-1", field: "min_price"),
            Case(query: "max_price=nan", field: "max_price"),
            Case(query: "min_price=inf", field: "min_price"),
            Case(query: "min_price=50&max_price=10", field: "min_price"),
            Case(query: "page=0", field: "page"),
            Case(query: "page=-3", field: "page"),
            Case(query: "page=two", field: "page"),
            Case(query: "page=99999999999999999999999", field: "page"),
            Case(query: "per_page=0", field: "per_page"),
            Case(query: "per_page=500", field: "per_page"),
            Case(query: "per_page=101", field: "per_page"),
            Case(query: "per_page=1.5", field: "per_page"),
        ])
    func badQuery(_ bad: Case) async throws {
        try await withBackend { client in
            let response = try await client.get("/api/products?" + bad.query)
            #expect(response.status == .badRequest)
            #expect(response.error["code"] as? String == "bad_request")
            #expect(response.error["field"] as? String == bad.field)
            let message = try #require(response.error["message"] as? String)
            #expect(!message.isEmpty)
            #expect(response.instance == "rest-test")
        }
    }

    @Test("the message says what was wrong and what is allowed")
    func messages() async throws {
        try await withBackend { client in
            let price = try await client.get("/api/products?min_price=abc")
            #expect(price.error["message"] as? String == "must be a non-negative number such as 19.99, not 'abc'")
            let perPage = try await client.get("/api/products?per_page=500")
            #expect(perPage.error["message"] as? String == "must be an integer from 1 to 100, not '500'")
            let range = try await client.get("/api/products?min_price=50&max_price=10")
            #expect(range.error["message"] as? String == "must not be above max_price (50 > 10)")
        }
    }

    @Test("the limits themselves are accepted: per_page 1 and 100, equal min and max, empty values")
    func boundaries() async throws {
        try await withBackend { client in
            for query in ["per_page=1", "per_page=100", "min_price=0&max_price=0", "q=&category=", "page=1"] {
                let response = try await client.get("/api/products?" + query)
                #expect(response.status == .ok, "\(query)")
            }
        }
    }

    @Test(
        "GET /api/delay refuses an ms that is missing, not an integer, negative or over 30000",
        arguments: ["", "?ms=", "?ms=abc", "?ms=-1", "?ms=30001", "?ms=1.5"])
    func badDelay(_ query: String) async throws {
        try await withBackend { client in
            let response = try await client.get("/api/delay" + query)
            #expect(response.status == .badRequest)
            #expect(response.error["code"] as? String == "bad_request")
            #expect(response.error["field"] as? String == "ms")
        }
    }
}
