import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// `X-Actor` is stored in every envelope it names: what cannot be an honest name is refused.
@Suite("X-Actor as sent")
struct ActorHeaderTests {
    @Test(
        "an X-Actor that is not UTF-8, empty or holds control characters is a 400, and nothing is appended",
        arguments: [
            [0x61, 0xFF, 0x62], [0x61, 0xC3, 0x28], [0xED, 0xA0, 0x80], [0x1B, 0x5B, 0x33, 0x31, 0x6D], [0x09],
            [0x61, 0x7F], [0xC2, 0x85],
        ] as [[UInt8]])
    func refused(bytes: [UInt8]) async throws {
        try await withAPI { client, harness in
            var headers = HTTPFields()
            headers.append(HTTPField(name: .actor, lenientValue: bytes))
            try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service("a"), headers: headers,
                status: .badRequest, field: "X-Actor")
        }
    }

    @Test("a UTF-8 actor with non-ASCII letters is kept as sent")
    func unicodeActor() async throws {
        try await withAPI { client, harness in
            let response = try await client.send(
                .post, "/services/add", json: Fixture.service("a"), headers: [.actor: "Zoë Ångström"])
            #expect(response.status == .created)
            let events = try await client.send(.get, "/events").object["events"] as? [[String: Any]]
            #expect(events?.first?["actor"] as? String == "Zoë Ångström")
            #expect(harness.head == 1)
        }
    }
}
