import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("routes over HTTP")
struct RouteEndpointTests {
    @Test("POST /routes/add, GET, PUT (RouteChanged) and DELETE a route")
    func lifecycle() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            let added = try await client.send(.post, "/routes/add", json: Fixture.route("api"))
            #expect(added.status == .created, "\(added.text)")
            #expect((added.object["events"] as? [[String: Any]])?.first?["type"] as? String == "RouteAdded")
            let list = try await client.send(.get, "/routes").object
            #expect((list["routes"] as? [[String: Any]])?.first?["name"] as? String == "api")
            let shown = try await client.send(.get, "/routes/api")
            #expect((shown.object["match"] as? [String: Any])?["prefix"] as? String == "/api/")
            let same = try await client.send(.put, "/routes/api", json: Fixture.route("api"))
            #expect(same.status == .ok)
            #expect(same.object["changed"] as? Bool == false)
            #expect(harness.head == 2)
            let changed = try await client.send(.put, "/routes/api", json: Fixture.route("api", prefix: "/v2/"))
            #expect(changed.status == .ok)
            #expect((changed.object["events"] as? [[String: Any]])?.first?["type"] as? String == "RouteChanged")
            #expect(harness.logbook.state.routes["api"]?.match.prefix == "/v2/")
            let removed = try await client.send(.delete, "/routes/api")
            #expect(removed.status == .ok)
            #expect(harness.logbook.state.routes.isEmpty)
        }
    }

    @Test("a route to an unknown service is 400; a duplicate 409; an unknown one 404")
    func errors() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .post, "/routes/add", json: Fixture.route("api", service: "ghost"),
                status: .badRequest, code: "invalid")
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.post, "/routes/add", json: Fixture.route("api"))
            try await expectRejected(
                client, harness, .post, "/routes/add", json: Fixture.route("api"), status: .conflict, code: "duplicate")
            try await expectRejected(client, harness, .get, "/routes/ghost", status: .notFound)
            try await expectRejected(client, harness, .delete, "/routes/ghost", status: .notFound)
            try await expectRejected(
                client, harness, .put, "/routes/ghost", json: Fixture.route("ghost"), status: .notFound)
            try await expectRejected(
                client, harness, .post, "/routes/add",
                json: #"{"name": "x", "match": {"prefix": "/x"}, "service": "rest-api", "weighted": []}"#,
                status: .badRequest)
            try await expectRejected(
                client, harness, .post, "/routes/add",
                json: #"{"name": "x", "match": {"prefix": "/x", "bogus": 1}, "service": "rest-api"}"#,
                status: .badRequest, field: "match.bogus")
        }
    }
}

@Suite("proxies over HTTP")
struct ProxyEndpointTests {
    @Test("POST /proxies/register, GET, PUT and DELETE by Proxy.key, fleets included")
    func lifecycle() async throws {
        try await withAPI { client, harness in
            let registered = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            #expect(registered.status == .created, "\(registered.text)")
            let fleet = try await client.send(
                .post, "/proxies/register", json: #"{"cluster": "edge", "http_port": 11000}"#)
            #expect(fleet.status == .created, "\(fleet.text)")
            let list = try await client.send(.get, "/proxies").object
            #expect((list["proxies"] as? [[String: Any]])?.count == 2)
            let shown = try await client.send(.get, "/proxies/cluster:edge")
            #expect(shown.status == .ok)
            #expect(shown.object["cluster"] as? String == "edge")
            let updated = try await client.send(
                .put, "/proxies/proxy-1", json: Fixture.proxy("proxy-1", http: 12000, grpc: 12001))
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(harness.logbook.state.proxies[.node("proxy-1")]?.httpPort == 12000)
            let removed = try await client.send(.delete, "/proxies/cluster:edge")
            #expect(removed.status == .ok)
            #expect(harness.logbook.state.proxies.count == 1)
        }
    }

    @Test("a port collision is 409, a duplicate 409, an unknown proxy 404, a mismatched id 400")
    func errors() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            try await expectRejected(
                client, harness, .post, "/proxies/register", json: Fixture.proxy("proxy-2"), status: .conflict)
            try await expectRejected(
                client, harness, .post, "/proxies/register", json: Fixture.proxy("proxy-1"), status: .conflict,
                code: "duplicate")
            try await expectRejected(client, harness, .get, "/proxies/ghost", status: .notFound)
            try await expectRejected(client, harness, .delete, "/proxies/ghost", status: .notFound)
            try await expectRejected(
                client, harness, .put, "/proxies/proxy-1", json: Fixture.proxy("proxy-9"), status: .badRequest,
                field: "id")
            try await expectRejected(
                client, harness, .post, "/proxies/register", json: #"{"id": "p", "http_port": 70000}"#,
                status: .badRequest, code: "invalid")
        }
    }
}
