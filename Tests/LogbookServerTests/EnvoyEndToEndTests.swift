import Foundation
import TestSupport
import Testing

/// Real Envoy processes in front of real backends, configured by `logbook serve` over ADS.
@Suite(.serialized, .timeLimit(.minutes(3))) struct EnvoyEndToEndTests {
    /// The service and route API calls every scenario starts with.
    struct Gateway {
        let api: String

        func register(proxy id: String, httpPort: Int) async throws {
            let answer = try await HTTP.request(
                "POST", api + "/proxies/register", json: ["id": id, "host": "127.0.0.1", "http_port": httpPort])
            try expectStatus(answer, 201, "register \(id)")
        }

        func addService(_ name: String, endpoint: String) async throws {
            let answer = try await HTTP.request(
                "POST", api + "/services/add", json: ["name": name, "endpoints": [endpoint]])
            try expectStatus(answer, 201, "add service \(name)")
        }

        /// Adds or changes route "api" (prefix /) to `service`; answers the new configuration version.
        @discardableResult
        func route(to service: String, add: Bool = false) async throws -> Int {
            let body: [String: Any] = ["name": "api", "match": ["prefix": "/"], "service": service]
            let answer =
                add
                ? try await HTTP.request("POST", api + "/routes/add", json: body)
                : try await HTTP.request("PUT", api + "/routes/api", json: body)
            try expectStatus(answer, add ? 201 : 200, "route to \(service)")
            return try version(of: answer)
        }

        func rollback(to version: Int) async throws -> Int {
            let answer = try await HTTP.request(
                "POST", api + "/config/rollback", json: ["version": version, "reason": "e2e"])
            try expectStatus(answer, 200, "rollback")
            return try self.version(of: answer)
        }

        func version(of answer: HTTP.Answer) throws -> Int {
            guard let version = answer.json["version"] as? Int else { throw TestFailure("no version in \(answer.text)") }
            return version
        }

        func expectStatus(_ answer: HTTP.Answer, _ status: Int, _ what: String) throws {
            guard answer.status == status else { throw TestFailure("\(what): \(answer.status) \(answer.text)") }
        }
    }

    /// Waits until a request through Envoy's listener reaches `backend`.
    static func traffic(on port: Int, reaches backend: String, within: Duration = .seconds(2)) async throws {
        var last = ""
        do {
            _ = try await eventually(within: within, "traffic on :\(port) reaches \(backend)") {
                last = (try? await HTTP.get("http://127.0.0.1:\(port)/hello").text) ?? "no answer"
                return last == backend ? true : nil
            }
        } catch {
            throw TestFailure("\(error); the last answer was '\(last)'")
        }
    }

    @Test func routeChangesAndRollbackReachSotWAndDeltaEnvoys() async throws {
        let dir = try TemporaryDirectory()
        let a = try await Backend(name: "A", directory: dir.path)
        let b = try await Backend(name: "B", directory: dir.path)
        let server = try await LogbookServe(dataDir: dir.path + "/data", log: dir.path + "/serve.log")
        let gateway = Gateway(api: server.api)
        let ports = (freePort(), freePort())
        try await gateway.register(proxy: "proxy-1", httpPort: ports.0)
        try await gateway.register(proxy: "proxy-2", httpPort: ports.1)
        let sotw = try await Envoy(nodeID: "proxy-1", xdsPort: server.xdsPort, delta: false, directory: dir.path)
        let delta = try await Envoy(nodeID: "proxy-2", xdsPort: server.xdsPort, delta: true, directory: dir.path)
        do {
            // 1. A service and a route: traffic reaches the backend within 2 s.
            try await gateway.addService("svc-a", endpoint: a.endpoint)
            try await gateway.addService("svc-b", endpoint: b.endpoint)
            let first = try await gateway.route(to: "svc-a", add: true)
            try await Self.traffic(on: ports.0, reaches: "A")
            try await Self.traffic(on: ports.1, reaches: "A")
            // 2. The route moves to another backend: traffic moves.
            try await gateway.route(to: "svc-b")
            try await Self.traffic(on: ports.0, reaches: "B")
            try await Self.traffic(on: ports.1, reaches: "B")
            // 3. Roll back: traffic moves back, and Envoy runs the version we report.
            let rolledBack = try await gateway.rollback(to: first)
            try await Self.traffic(on: ports.0, reaches: "A")
            try await Self.traffic(on: ports.1, reaches: "A")
            let running = try await eventually("proxy-1 reports version \(rolledBack)") {
                try await sotw.routeVersion("http") == String(rolledBack) ? true : nil
            }
            #expect(running)
            // GET /proxies shows both connected with the acknowledged route version.
            let acked = try await eventually("GET /proxies shows the ACKs") { () -> Bool? in
                let body = try await HTTP.get(server.api + "/proxies").text
                return body.contains("\"\(rolledBack)\"") ? true : nil
            }
            #expect(acked)
        } catch {
            Issue.record("\(error)\n--- serve log:\n\(server.child.log.suffix(3000))\n--- envoy:\n\(sotw.child.log.suffix(2000))")
        }
        await sotw.stop()
        await delta.stop()
        await server.stop()
        await a.stop()
        await b.stop()
    }
}
