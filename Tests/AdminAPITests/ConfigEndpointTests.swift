import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("reload and rollback over HTTP")
struct ConfigEndpointTests {
    @Test("POST /config/reload appends only the differences; a second reload appends nothing")
    func reload() async throws {
        try await withAPI(configPath: { try $0.write(Fixture.gateway) }) { client, harness in
            let first = try await client.send(.post, "/config/reload", headers: [.actor: "ops"])
            #expect(first.status == .ok, "\(first.text)")
            let types = (first.object["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
            #expect(types?.filter { $0 == "ServiceRegistered" }.count == 2)
            #expect(types?.contains("RouteAdded") == true)
            #expect(harness.logbook.state.services.count == 2)
            let head = harness.head
            #expect(try harness.store.envelope(at: head)?.actor == "ops")
            let second = try await client.send(.post, "/config/reload")
            #expect(second.status == .ok)
            #expect(second.object["changed"] as? Bool == false)
            #expect(harness.head == head)
        }
    }

    @Test("?dry_run=true answers the planned events and appends nothing")
    func dryRun() async throws {
        try await withAPI(configPath: { try $0.write(Fixture.gateway) }) { client, harness in
            let response = try await client.send(.post, "/config/reload?dry_run=true")
            #expect(response.status == .ok)
            #expect(response.object["dry_run"] as? Bool == true)
            #expect((response.object["events"] as? [[String: Any]])?.count ?? 0 >= 3)
            #expect(harness.head == 0)
            try await expectRejected(
                client, harness, .post, "/config/reload?dry_run=maybe", status: .badRequest, field: "dry_run")
        }
    }

    @Test("reload without --config is 409; a broken file is 400 naming the field")
    func reloadErrors() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .post, "/config/reload", status: .conflict, code: "not_configured")
        }
        try await withAPI(configPath: { try $0.write("services:\n  - name: a\n    endpointz: []\n") }) {
            client, harness in
            try await expectRejected(client, harness, .post, "/config/reload", status: .badRequest)
        }
    }

    @Test("POST /config/rollback appends ConfigRolledBack and restores the version's services")
    func rollback() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("a"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("b", port: 8002))
            let response = try await client.send(
                .post, "/config/rollback", json: #"{"version": 1, "reason": "b was a mistake"}"#)
            #expect(response.status == .ok, "\(response.text)")
            #expect((response.object["events"] as? [[String: Any]])?.first?["type"] as? String == "ConfigRolledBack")
            #expect(response.object["version"] as? Int == 3)
            #expect(response.headers[.eTag] == "\"3\"")
            #expect(harness.logbook.state.services.keys.sorted() == ["a"])
        }
    }

    @Test("a rollback without a reason, to a missing version, or with an unknown field is 400")
    func rollbackErrors() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("a"))
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": 1, "reason": " "}"#,
                status: .badRequest, field: "reason")
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": 99, "reason": "x"}"#,
                status: .badRequest, field: "version")
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"reason": "x"}"#, status: .badRequest,
                field: "version")
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": "1", "reason": "x"}"#,
                status: .badRequest, field: "version")
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": -1, "reason": "x"}"#,
                status: .badRequest, field: "version")
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": 1, "reason": "x", "force": true}"#,
                status: .badRequest, field: "force")
            try await expectRejected(
                client, harness, .post, "/config/rollback", json: #"{"version": 1, "reason": "x"}"#,
                headers: .json([.ifMatch: "0"]), status: .preconditionFailed)
        }
    }
}
