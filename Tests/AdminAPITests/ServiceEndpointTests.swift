import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("services over HTTP")
struct ServiceEndpointTests {
    @Test("POST /services/add appends ServiceRegistered and answers 201 with seq, version and ETag")
    func add() async throws {
        try await withAPI { client, harness in
            let response = try await client.send(
                .post, "/services/add", json: Fixture.service("rest-api"),
                headers: [.actor: "alice", .requestID: "req-1"])
            #expect(response.status == .created, "\(response.text)")
            let body = response.object
            #expect(body["version"] as? Int == 1)
            #expect(body["head"] as? Int == 1)
            let events = body["events"] as? [[String: Any]]
            #expect(events?.first?["seq"] as? Int == 1)
            #expect(events?.first?["type"] as? String == "ServiceRegistered")
            #expect(response.headers[.eTag] == "\"1\"")
            #expect(response[header: "X-Actor"] == "alice")
            #expect(response[header: "X-Request-Id"] == "req-1")
            let envelope = try #require(try harness.store.envelope(at: 1))
            #expect(envelope.actor == "alice")
            #expect(envelope.requestID == "req-1")
            #expect(harness.logbook.state.services["rest-api"] != nil)
        }
    }

    @Test("without X-Actor and X-Request-Id the actor is anonymous and an id is generated")
    func defaultActor() async throws {
        try await withAPI { client, harness in
            let response = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            #expect(response.status == .created)
            #expect(response[header: "X-Actor"] == "anonymous")
            let id = try #require(response[header: "X-Request-Id"])
            #expect(!id.isEmpty)
            #expect(try harness.store.envelope(at: 1)?.actor == "anonymous")
            #expect(try harness.store.envelope(at: 1)?.requestID == id)
        }
    }

    @Test("GET /services/{name} answers the resource in the declarative shape")
    func show() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            let response = try await client.send(.get, "/services/rest-api")
            #expect(response.status == .ok)
            #expect(response.object["name"] as? String == "rest-api")
            #expect(response.object["lb_policy"] as? String == "round_robin")
            #expect(response.object["connect_timeout"] as? String == "5s")
            #expect(response.headers[.eTag] == "\"1\"")
            try await expectRejected(client, harness, .get, "/services/nope", status: .notFound, code: "not_found")
        }
    }

    @Test("GET /services pages by name with limit and cursor; no limit means all")
    func paging() async throws {
        try await withAPI { client, _ in
            for (index, name) in ["e", "a", "d", "b", "c"].enumerated() {
                let response = try await client.send(
                    .post, "/services/add", json: Fixture.service(name, port: 8001 + index))
                #expect(response.status == .created)
            }
            let all = try await client.send(.get, "/services").object
            #expect(
                (all["services"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == [
                    "a", "b", "c", "d", "e",
                ])
            #expect(all["next_cursor"] is NSNull)
            var names: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/services?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    .object
                names += (page["services"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(names == ["a", "b", "c", "d", "e"])
        }
    }

    @Test("bad paging parameters are 400s naming the parameter")
    func badPaging() async throws {
        try await withAPI { client, harness in
            try await expectRejected(client, harness, .get, "/services?limit=0", status: .badRequest, field: "limit")
            try await expectRejected(client, harness, .get, "/services?limit=x", status: .badRequest, field: "limit")
        }
    }

    @Test("a duplicate name is 409 and appends nothing")
    func duplicate() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("rest-api"), status: .conflict,
                code: "duplicate")
        }
    }

    @Test("malformed JSON, an unknown field, a wrong type and a bad value are 400s naming the field")
    func badBodies() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .post, "/services/add", json: "{\"name\": ", status: .badRequest, field: "body")
            try await expectRejected(
                client, harness, .post, "/services/add",
                json: #"{"name": "a", "endpoints": ["127.0.0.1:1"], "colour": "red"}"#, status: .badRequest,
                field: "colour")
            try await expectRejected(
                client, harness, .post, "/services/add", json: #"{"name": 7, "endpoints": []}"#,
                status: .badRequest, field: "name")
            try await expectRejected(
                client, harness, .post, "/services/add", json: #"{"endpoints": ["127.0.0.1:1"]}"#,
                status: .badRequest, field: "name")
            try await expectRejected(
                client, harness, .post, "/services/add", json: "[]", status: .badRequest, field: "body")
            try await expectRejected(client, harness, .post, "/services/add", json: "", status: .badRequest)
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("a", timeout: "999s"),
                status: .badRequest, code: "invalid", field: "service.connect_timeout")
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("bad name"), status: .badRequest,
                code: "invalid")
        }
    }

    @Test("a body that is not JSON is 415; one over 1 MiB is 413")
    func mediaTypeAndSize() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("a"),
                headers: [.contentType: "text/plain"], status: .unsupportedMediaType, field: "Content-Type")
            let response = try await client.execute(
                uri: "/services/add", method: .post, body: ByteBuffer(string: Fixture.service("a")))
            #expect(response.status == .unsupportedMediaType)
            let huge =
                #"{"name": "a", "endpoints": ["127.0.0.1:1"], "x": ""#
                + String(repeating: "a", count: (1 << 20) + 10) + "\"}"
            try await expectRejected(
                client, harness, .post, "/services/add", json: huge, status: .contentTooLarge,
                code: "payload_too_large")
            #expect(harness.head == 0)
        }
    }

    @Test("PUT of an identical resource answers 200 with the unchanged version and appends nothing")
    func putIdentical() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            let response = try await client.send(.put, "/services/rest-api", json: Fixture.service("rest-api"))
            #expect(response.status == .ok)
            #expect(response.object["version"] as? Int == 1)
            #expect((response.object["events"] as? [Any])?.isEmpty == true)
            #expect(response.object["changed"] as? Bool == false)
            #expect(response.headers[.eTag] == "\"1\"")
            #expect(harness.head == 1)
        }
    }

    @Test("PUT replaces the whole service with ServiceUpdated")
    func put() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            let response = try await client.send(
                .put, "/services/rest-api", json: Fixture.service("rest-api", port: 9000, timeout: "2s"))
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.object["version"] as? Int == 2)
            #expect((response.object["events"] as? [[String: Any]])?.first?["type"] as? String == "ServiceUpdated")
            #expect(harness.logbook.state.services["rest-api"]?.connectTimeout.description == "2s")
        }
    }

    @Test("PUT with a mismatched name is 400, of an unknown service 404")
    func putErrors() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            try await expectRejected(
                client, harness, .put, "/services/rest-api", json: Fixture.service("other"), status: .badRequest,
                field: "name")
            try await expectRejected(
                client, harness, .put, "/services/other", json: Fixture.service("other"), status: .notFound)
        }
    }

    @Test("DELETE removes a service; one a route uses is 409; an unknown one 404")
    func delete() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("spare", port: 8009))
            _ = try await client.send(.post, "/routes/add", json: Fixture.route("api"))
            try await expectRejected(client, harness, .delete, "/services/rest-api", status: .conflict, code: "in_use")
            try await expectRejected(client, harness, .delete, "/services/ghost", status: .notFound)
            let response = try await client.send(.delete, "/services/spare")
            #expect(response.status == .ok)
            #expect((response.object["events"] as? [[String: Any]])?.first?["type"] as? String == "ServiceRemoved")
            #expect(harness.logbook.state.services["spare"] == nil)
        }
    }

    @Test("If-Match with the current version succeeds; a stale one is 412")
    func ifMatch() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("a"))
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("b", port: 8002),
                headers: .json([.ifMatch: "\"7\""]), status: .preconditionFailed, field: "If-Match")
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("b", port: 8002),
                headers: .json([.ifMatch: "seven"]), status: .badRequest, field: "If-Match")
            let response = try await client.send(
                .post, "/services/add", json: Fixture.service("b", port: 8002), headers: .json([.ifMatch: "\"1\""]))
            #expect(response.status == .created)
            #expect(response.headers[.eTag] == "\"2\"")
        }
    }

    @Test("a retry with the same Idempotency-Key gets the first answer; another body with it is 422")
    func idempotency() async throws {
        try await withAPI { client, harness in
            let headers = HTTPFields.json([.idempotencyKey: "k-1"])
            let first = try await client.send(.post, "/services/add", json: Fixture.service("a"), headers: headers)
            #expect(first.status == .created)
            let retry = try await client.send(.post, "/services/add", json: Fixture.service("a"), headers: headers)
            #expect(retry.status == .created, "\(retry.text)")
            #expect(retry.object["replayed"] as? Bool == true)
            #expect((retry.object["events"] as? [[String: Any]])?.first?["seq"] as? Int == 1)
            #expect(harness.head == 1)
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("b", port: 8002), headers: headers,
                status: .unprocessableContent, code: "idempotency_mismatch")
        }
    }

    @Test("an X-Actor longer than 200 characters is 400")
    func badActor() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("a"),
                headers: .json([.actor: String(repeating: "x", count: 500)]), status: .badRequest, field: "X-Actor")
        }
    }
}
