import AdminAPI
import EventLog
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogbookCore
import Testing

private let cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
private let lds = "type.googleapis.com/envoy.config.listener.v3.Listener"

/// Renders a stand-in for Envoy resources, so the API's framing can be tested without the xDS side.
struct FakeEnvoyConfig: EnvoyConfigSource {
    func configJSON(version: UInt64, node: String) throws -> Data {
        Data(#"{"listeners": [{"name": "\#(node)-\#(version)"}]}"#.utf8)
    }
}

@Suite("proxy status, history and pins over HTTP")
struct ProxyStatusEndpointTests {
    @Test("GET /proxies adds each proxy's live status, a fleet's member counts, and unregistered nodes")
    func listWithStatus() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            _ = try await client.send(.post, "/proxies/register", json: #"{"cluster": "edge", "http_port": 11000}"#)
            try await harness.logbook.record([
                .connected(node: "proxy-1", cluster: ""), .acked(node: "proxy-1", typeURL: cds, version: "2"),
                .nacked(node: "proxy-1", typeURL: lds, version: "2", message: "port in use"),
                .connected(node: "m1", cluster: "edge"), .connected(node: "m2", cluster: "edge"),
                .acked(node: "m1", typeURL: cds, version: "2"), .connected(node: "stray", cluster: "other"),
            ])
            let response = try await client.send(.get, "/proxies")
            #expect(response.status == .ok)
            #expect(response[header: "ETag"] == "\"2\"")
            let object = response.object
            let items = try #require(object["proxies"] as? [[String: Any]])
            #expect(items.count == 2)
            let fleet = try #require(items.first?["status"] as? [String: Any])
            #expect(items.first?["cluster"] as? String == "edge")
            #expect(fleet["members"] as? Int == 2)
            #expect(fleet["connected"] as? Int == 2)
            #expect(fleet["running_versions"] as? [String: Int] == ["2": 1, "none": 1])
            let proxy = try #require(items.last?["status"] as? [String: Any])
            #expect(items.last?["id"] as? String == "proxy-1")
            #expect(proxy["connected"] as? Bool == true)
            #expect(proxy["acked"] as? [String: String] == [cds: "2"])
            #expect(proxy["running_version"] as? String == "2")
            #expect((proxy["last_nack"] as? [String: Any])?["message"] as? String == "port in use")
            #expect(proxy["pinned_version"] is NSNull)
            #expect((proxy["connected_since"] as? String)?.hasSuffix("Z") == true)
            let unregistered = try #require(object["unregistered"] as? [[String: Any]])
            #expect(unregistered.map { $0["id"] as? String } == ["stray"])
            #expect((unregistered.first?["status"] as? [String: Any])?["node_cluster"] as? String == "other")
            let second = try await client.send(.get, "/proxies?limit=1&cursor=cluster:edge").object
            #expect((second["proxies"] as? [[String: Any]])?.count == 1)
            #expect((second["unregistered"] as? [Any])?.isEmpty == true)
            // The resource itself keeps the shape PUT takes.
            #expect(try await client.send(.get, "/proxies/proxy-1").object["status"] == nil)
        }
    }

    @Test("GET /proxies/{id}/history lists connections and versions run, newest first, with a limit")
    func history() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            try await harness.logbook.record([.connected(node: "proxy-1", cluster: "")])
            try await harness.logbook.record([.acked(node: "proxy-1", typeURL: cds, version: "1")])
            try await harness.logbook.record([.disconnected(node: "proxy-1")])
            try await harness.logbook.record([.connected(node: "proxy-1", cluster: "")])
            let response = try await client.send(.get, "/proxies/proxy-1/history")
            #expect(response.status == .ok, "\(response.text)")
            let object = response.object
            #expect(object["node"] as? String == "proxy-1")
            #expect(object["connected"] as? Bool == true)
            let connections = try #require(object["connections"] as? [[String: Any]])
            #expect(connections.count == 2)
            #expect(connections.first?["disconnected_at"] is NSNull)
            #expect(connections.last?["disconnected_at"] is String)
            let versions = try #require(object["versions"] as? [[String: Any]])
            #expect(versions.count == 1)
            #expect(versions.first?["version"] as? String == "1")
            #expect(versions.first?["configuration_version"] as? Int == 1)
            #expect(versions.first?["until"] is String)
            let limited = try await client.send(.get, "/proxies/proxy-1/history?limit=1").object
            #expect((limited["connections"] as? [Any])?.count == 1)
            // A registered proxy that never connected has an empty history; an unknown node has none.
            _ = try await client.send(
                .post, "/proxies/register", json: Fixture.proxy("proxy-2", http: 10002, grpc: 10003))
            #expect(try await client.send(.get, "/proxies/proxy-2/history").status == .ok)
            try await expectRejected(client, harness, .get, "/proxies/ghost/history", status: .notFound, field: "id")
            _ = try await client.send(.post, "/proxies/register", json: #"{"cluster": "edge", "http_port": 11000}"#)
            let fleet = try await expectRejected(
                client, harness, .get, "/proxies/cluster:edge/history", status: .notFound, field: "id")
            #expect(fleet.text.contains("own history"))
            try await expectRejected(
                client, harness, .get, "/proxies/proxy-1/history?limit=0", status: .badRequest, field: "limit")
        }
    }

    @Test("POST and DELETE /proxies/{id}/pin append ProxyPinned and ProxyUnpinned and show in the list")
    func pinAndUnpin() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("rest-api"))
            let pinned = try await client.send(.post, "/proxies/proxy-1/pin", json: #"{"version": 1}"#)
            #expect(pinned.status == .ok, "\(pinned.text)")
            #expect((pinned.object["events"] as? [[String: Any]])?.first?["type"] as? String == "ProxyPinned")
            #expect(pinned.object["version"] as? Int == 3)
            #expect(harness.logbook.state.pins == [.node("proxy-1"): 1])
            let again = try await client.send(.post, "/proxies/proxy-1/pin", json: #"{"version": 1}"#)
            #expect(again.object["changed"] as? Bool == false)
            let list = try await client.send(.get, "/proxies").object
            let status = (list["proxies"] as? [[String: Any]])?.first?["status"] as? [String: Any]
            #expect(status?["pinned_version"] as? Int == 1)
            let unpinned = try await client.send(.delete, "/proxies/proxy-1/pin")
            #expect(unpinned.status == .ok)
            #expect(harness.logbook.state.pins.isEmpty)
            try await expectRejected(
                client, harness, .delete, "/proxies/proxy-1/pin", status: .notFound, code: "not_found", field: "pin")
            try await expectRejected(client, harness, .delete, "/proxies/ghost/pin", status: .notFound, field: "proxy")
        }
    }

    @Test("bad pins are 4xx naming the field, and append nothing")
    func badPins() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            try await harness.logbook.record([.connected(node: "proxy-1", cluster: "")])
            let bodies = [
                #"{}"#, #"{"version": -1}"#, #"{"version": 1.5}"#, #"{"version": "1"}"#, #"{"version": null}"#,
            ]
            for body in bodies {
                try await expectRejected(
                    client, harness, .post, "/proxies/proxy-1/pin", json: body, status: .badRequest, field: "version")
            }
            try await expectRejected(
                client, harness, .post, "/proxies/proxy-1/pin", json: #"{"version": 1, "bogus": 1}"#,
                status: .badRequest, field: "bogus")
            try await expectRejected(
                client, harness, .post, "/proxies/proxy-1/pin", json: "", status: .badRequest, field: "body")
            for version in [0, 2, 99] {
                try await expectRejected(
                    client, harness, .post, "/proxies/proxy-1/pin", json: #"{"version": \#(version)}"#,
                    status: .badRequest, code: "invalid", field: "version")
            }
            try await expectRejected(
                client, harness, .post, "/proxies/ghost/pin", json: #"{"version": 1}"#, status: .notFound,
                field: "proxy")
            try await expectRejected(
                client, harness, .post, "/proxies/proxy-1/pin", json: #"{"version": 1}"#,
                headers: .json([.ifMatch: "0"]), status: .preconditionFailed, field: "If-Match")
            let keyed = HTTPFields.json([.idempotencyKey: "pin-1"])
            let first = try await client.send(.post, "/proxies/proxy-1/pin", json: #"{"version": 1}"#, headers: keyed)
            let replay = try await client.send(.post, "/proxies/proxy-1/pin", json: #"{"version": 1}"#, headers: keyed)
            #expect(first.status == .ok && replay[header: "Idempotent-Replayed"] == "true")
        }
    }

    @Test("GET /config frames what the source renders; bad or missing parameters are 400 naming them")
    func config() async throws {
        try await withAPI(envoyConfig: FakeEnvoyConfig()) { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            let response = try await client.send(.get, "/config?version=1&node=proxy-1")
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.object["version"] as? Int == 1)
            #expect(response.object["node"] as? String == "proxy-1")
            let listeners = (response.object["resources"] as? [String: Any])?["listeners"] as? [[String: Any]]
            #expect(listeners?.first?["name"] as? String == "proxy-1-1")
            try await expectRejected(
                client, harness, .get, "/config?node=proxy-1", status: .badRequest, field: "version")
            try await expectRejected(
                client, harness, .get, "/config?version=-1&node=proxy-1", status: .badRequest, field: "version")
            try await expectRejected(client, harness, .get, "/config?version=1", status: .badRequest, field: "node")
            try await expectRejected(
                client, harness, .get, "/config?version=2&node=proxy-1", status: .notFound, field: "version")
        }
    }

    @Test("GET /config/at resolves the version the node ran at the time from its history")
    func configAt() async throws {
        try await withAPI(envoyConfig: FakeEnvoyConfig()) { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            try await harness.logbook.record([
                .connected(node: "proxy-1", cluster: ""), .acked(node: "proxy-1", typeURL: cds, version: "1"),
            ])
            let now = Timestamp.iso8601(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 1000)
            let response = try await client.send(.get, "/config/at?time=\(now)&node=proxy-1")
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.object["version"] as? Int == 1)
            #expect(response.object["until"] is NSNull)
            #expect(response.object["from"] is String)
            #expect(response.object["resources"] is [String: Any])
            try await expectRejected(
                client, harness, .get, "/config/at?node=proxy-1", status: .badRequest, field: "time")
            try await expectRejected(
                client, harness, .get, "/config/at?time=yesterday&node=proxy-1", status: .badRequest, field: "time")
            try await expectRejected(client, harness, .get, "/config/at?time=1h", status: .badRequest, field: "node")
            try await expectRejected(
                client, harness, .get, "/config/at?time=1h&node=proxy-1", status: .notFound, field: "time")
            try await expectRejected(
                client, harness, .get, "/config/at?time=1h&node=ghost", status: .notFound, field: "node")
        }
    }

    @Test("without an Envoy config source, /config answers 503 unavailable after checking its parameters")
    func configUnavailable() async throws {
        try await withAPI { client, harness in
            _ = try await client.send(.post, "/proxies/register", json: Fixture.proxy("proxy-1"))
            try await expectRejected(client, harness, .get, "/config?version=1", status: .badRequest, field: "node")
            let response = try await expectRejected(
                client, harness, .get, "/config?version=1&node=proxy-1", status: .serviceUnavailable,
                code: "unavailable")
            #expect(response.text.contains("xDS"))
        }
    }
}
