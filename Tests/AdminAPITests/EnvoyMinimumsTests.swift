import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Inputs the hostile probe found still accepted: each now refused, naming the field.
@Suite("inputs Envoy or a reader would choke on")
struct EnvoyMinimumsTests {
    @Test("an empty regex is refused: Envoy's RegexMatcher.regex has min_len 1")
    func emptyRegex() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            try await expectRejected(
                client, harness, .post, "/routes/add",
                json: #"{"name": "r", "match": {"regex": ""}, "service": "rest-api"}"#, status: .badRequest,
                field: "route.match.regex")
        }
    }

    @Test("a rollback reason over 1,000 characters is refused")
    func longReason() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            let reason = String(repeating: "r", count: 1001)
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": 1, "reason": "\#(reason)"}"#,
                status: .badRequest, field: "reason")
        }
    }

    @Test(
        "a JSON body declared in another charset is 415; UTF-8 or no charset is taken",
        arguments: [
            ("application/json; charset=utf-16", HTTPResponse.Status.unsupportedMediaType),
            ("application/json; charset=latin1", .unsupportedMediaType),
            ("application/json; charset=UTF-8", .created),
            ("application/json;charset=\"utf-8\"", .created),
        ])
    func charset(contentType: String, status: HTTPResponse.Status) async throws {
        try await withAPI { client, harness in
            let response = try await client.send(
                .post, "/services/add", json: Fixture.service("a"), headers: [.contentType: contentType])
            #expect(response.status == status, "\(contentType): \(response.text)")
            #expect(harness.head == (status == .created ? 1 : 0))
        }
    }
}
