import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("audit and time over HTTP")
struct AuditEndpointTests {
    /// Three services by two actors: versions 1, 2, 3.
    func seed(_ client: any TestClientProtocol) async throws {
        _ = try await client.send(.post, "/services/add", json: Fixture.service("a"), headers: .json([.actor: "alice"]))
        _ = try await client.send(
            .post, "/services/add", json: Fixture.service("b", port: 8002), headers: .json([.actor: "bob"]))
        _ = try await client.send(
            .put, "/services/a", json: Fixture.service("a", timeout: "2s"), headers: .json([.actor: "alice"]))
    }

    @Test("GET /events filters by actor, type and entity, and pages with after_seq")
    func events() async throws {
        try await withAPI { client, _ in
            try await seed(client)
            let all = try await client.send(.get, "/events").object
            let events = try #require(all["events"] as? [[String: Any]])
            #expect(events.compactMap { $0["seq"] as? Int } == [1, 2, 3])
            #expect(events.first?["actor"] as? String == "alice")
            #expect((events.first?["hash"] as? String)?.count == 64)
            #expect(events.first?["event"] is [String: Any])
            // The chain is checkable from the page alone: each prev_hash is the hash before it.
            #expect(events.first?["prev_hash"] as? String == String(repeating: "0", count: 64))
            for (earlier, later) in zip(events, events.dropFirst()) {
                #expect(later["prev_hash"] as? String == earlier["hash"] as? String)
            }
            let byBob = try await client.send(.get, "/events?actor=bob").object["events"] as? [[String: Any]]
            #expect(byBob?.compactMap { $0["seq"] as? Int } == [2])
            let updates =
                try await client.send(.get, "/events?type=ServiceUpdated").object["events"] as? [[String: Any]]
            #expect(updates?.compactMap { $0["seq"] as? Int } == [3])
            let aboutA = try await client.send(.get, "/events?entity=service/a").object["events"] as? [[String: Any]]
            #expect(aboutA?.compactMap { $0["seq"] as? Int } == [1, 3])
            let recent = try await client.send(.get, "/events?since=1h").object["events"] as? [[String: Any]]
            #expect(recent?.count == 3)
            let future = try await client.send(.get, "/events?until=2000-01-01T00:00:00Z").object["events"]
            #expect((future as? [Any])?.isEmpty == true)
            var seen: [Int] = []
            var cursor: Int?
            repeat {
                let page = try await client.send(.get, "/events?limit=2" + (cursor.map { "&after_seq=\($0)" } ?? ""))
                seen += (page.object["events"] as? [[String: Any]] ?? []).compactMap { $0["seq"] as? Int }
                cursor = page.object["next_cursor"] as? Int
            } while cursor != nil
            #expect(seen == [1, 2, 3])
        }
    }

    @Test("bad /events filters are 400s naming the parameter")
    func badFilters() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .get, "/events?since=yesterday", status: .badRequest, field: "since")
            try await expectRejected(
                client, harness, .get, "/events?after_seq=-1", status: .badRequest, field: "after_seq")
            try await expectRejected(client, harness, .get, "/events?limit=5000", status: .badRequest, field: "limit")
        }
    }

    @Test("GET /events/{seq} answers one envelope with its hash and previous hash")
    func oneEvent() async throws {
        try await withAPI { client, harness in
            try await seed(client)
            let response = try await client.send(.get, "/events/2")
            #expect(response.status == .ok)
            let body = response.object
            #expect(body["seq"] as? Int == 2)
            #expect(body["type"] as? String == "ServiceRegistered")
            let envelope = try #require(try harness.store.envelope(at: 2))
            let first = try #require(try harness.store.envelope(at: 1))
            #expect(body["hash"] as? String == envelope.hash.map { String(format: "%02x", $0) }.joined())
            #expect(body["prev_hash"] as? String == first.hash.map { String(format: "%02x", $0) }.joined())
            // The older name stays as an alias on this endpoint.
            #expect(body["previous_hash"] as? String == body["prev_hash"] as? String)
            try await expectRejected(client, harness, .get, "/events/99", status: .notFound, field: "seq")
            try await expectRejected(client, harness, .get, "/events/abc", status: .badRequest, field: "seq")
        }
    }

    @Test("GET /versions lists every configuration version with time, actor and summary")
    func versions() async throws {
        try await withAPI { client, _ in
            try await seed(client)
            let versions = try #require(try await client.send(.get, "/versions").object["versions"] as? [[String: Any]])
            #expect(versions.compactMap { $0["version"] as? Int } == [1, 2, 3])
            #expect(versions.compactMap { $0["actor"] as? String } == ["alice", "bob", "alice"])
            #expect(versions.allSatisfy { ($0["summary"] as? String)?.isEmpty == false })
            #expect(versions.allSatisfy { $0["recorded_at"] is String })
        }
    }

    @Test("GET /state?version=V and ?at=T rebuild the state as it was")
    func state() async throws {
        try await withAPI { client, harness in
            try await seed(client)
            let atOne = try await client.send(.get, "/state?version=1")
            #expect(atOne.status == .ok)
            #expect((atOne.object["services"] as? [[String: Any]])?.count == 1)
            #expect(atOne.object["version"] as? Int == 1)
            let now = try await client.send(.get, "/state").object
            #expect((now["services"] as? [[String: Any]])?.count == 2)
            let atNow = try await client.send(.get, "/state?at=2999-01-01T00:00:00Z").object
            #expect(atNow["version"] as? Int == 3)
            let before = try await client.send(.get, "/state?at=2000-01-01").object
            #expect(before["version"] as? Int == 0)
            try await expectRejected(client, harness, .get, "/state?version=99", status: .notFound)
            try await expectRejected(client, harness, .get, "/state?version=1&at=1h", status: .badRequest)
            try await expectRejected(client, harness, .get, "/state?at=soon", status: .badRequest, field: "at")
        }
    }

    @Test("GET /diff answers added, removed and changed fields between two versions")
    func diff() async throws {
        try await withAPI { client, harness in
            try await seed(client)
            let diff = try await client.send(.get, "/diff?from=1&to=3")
            #expect(diff.status == .ok)
            let services = try #require(diff.object["services"] as? [String: Any])
            #expect(services["added"] as? [String] == ["b"])
            let changed = try #require(services["changed"] as? [[String: Any]])
            #expect(changed.first?["name"] as? String == "a")
            let fields = (changed.first?["fields"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["connect_timeout"])
            try await expectRejected(client, harness, .get, "/diff?from=1", status: .badRequest, field: "to")
            try await expectRejected(client, harness, .get, "/diff?from=1&to=99", status: .notFound, field: "to")
        }
    }
}

@Suite("status and health over HTTP")
struct StatusEndpointTests {
    @Test("GET /status reports head, version, counts, uptime and build version")
    func status() async throws {
        try await withAPI { client, _ in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("a"))
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("p"))
            let body = try await client.send(.get, "/status").object
            #expect(body["head"] as? Int == 2)
            #expect(body["version"] as? Int == 2)
            let counts = try #require(body["counts"] as? [String: Any])
            #expect(counts["services"] as? Int == 1)
            #expect(counts["routes"] as? Int == 0)
            #expect(counts["proxies"] as? Int == 1)
            #expect(body["uptime_seconds"] as? Double != nil)
            #expect(body["build_version"] as? String == LogbookBuild.version)
        }
    }

    @Test("GET /healthz and /readyz answer 200; an unknown path is a JSON 404")
    func health() async throws {
        try await withAPI { client, harness in
            #expect(try await client.send(.get, "/healthz").status == .ok)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.object["status"] as? String == "ready")
            try await expectRejected(client, harness, .get, "/nowhere", status: .notFound, code: "not_found")
            try await expectRejected(client, harness, .patch, "/services/a", status: .notFound)
        }
    }
}
