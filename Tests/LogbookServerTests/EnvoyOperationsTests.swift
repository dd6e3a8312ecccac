import Foundation
import Synchronization
import TestSupport
import Testing

/// Pins, restarts and replays, with real Envoy processes.
@Suite(.serialized, .timeLimit(.minutes(3))) struct EnvoyOperationsTests {
    typealias Gateway = EnvoyEndToEndTests.Gateway

    @Test func aPinnedProxyKeepsItsVersionWhileTheOthersFollowTheHead() async throws {
        let dir = try TemporaryDirectory()
        let a = try await Backend(name: "A", directory: dir.path)
        let b = try await Backend(name: "B", directory: dir.path)
        let server = try await LogbookServe(dataDir: dir.path + "/data", log: dir.path + "/serve.log")
        let gateway = Gateway(api: server.api)
        let ports = (freePort(), freePort())
        try await gateway.register(proxy: "proxy-1", httpPort: ports.0)
        try await gateway.register(proxy: "proxy-2", httpPort: ports.1)
        try await gateway.addService("svc-a", endpoint: a.endpoint)
        try await gateway.addService("svc-b", endpoint: b.endpoint)
        let old = try await gateway.route(to: "svc-a", add: true)
        let one = try await Envoy(nodeID: "proxy-1", xdsPort: server.xdsPort, directory: dir.path)
        let two = try await Envoy(nodeID: "proxy-2", xdsPort: server.xdsPort, delta: true, directory: dir.path)
        do {
            try await EnvoyEndToEndTests.traffic(on: ports.0, reaches: "A")
            let pin = try await HTTP.request("POST", server.api + "/proxies/proxy-1/pin", json: ["version": old])
            try gateway.expectStatus(pin, 200, "pin proxy-1")
            try await gateway.route(to: "svc-b")
            try await EnvoyEndToEndTests.traffic(on: ports.1, reaches: "B")
            // The pinned proxy still routes to A, request after request, and runs the pinned version.
            for _ in 0..<20 { #expect(try await HTTP.get("http://127.0.0.1:\(ports.0)/").text == "A") }
            #expect(try await one.routeVersion("http") == String(old))
            let unpin = try await HTTP.request("DELETE", server.api + "/proxies/proxy-1/pin")
            try gateway.expectStatus(unpin, 200, "unpin proxy-1")
            try await EnvoyEndToEndTests.traffic(on: ports.0, reaches: "B")
        } catch {
            Issue.record("\(error)\n--- serve log:\n\(server.child.log.suffix(3000))")
        }
        for envoy in [one, two] { await envoy.stop() }
        await server.stop()
        for backend in [a, b] { await backend.stop() }
    }

    @Test func envoysServeThroughAControlPlaneRestartAndGetNoNewVersion() async throws {
        let dir = try TemporaryDirectory()
        let a = try await Backend(name: "A", directory: dir.path)
        let b = try await Backend(name: "B", directory: dir.path)
        var server = try await LogbookServe(dataDir: dir.path + "/data", log: dir.path + "/serve-1.log")
        let gateway = Gateway(api: server.api)
        let port = freePort()
        try await gateway.register(proxy: "proxy-1", httpPort: port)
        try await gateway.addService("svc-a", endpoint: a.endpoint)
        try await gateway.addService("svc-b", endpoint: b.endpoint)
        let version = try await gateway.route(to: "svc-a", add: true)
        let envoy = try await Envoy(nodeID: "proxy-1", xdsPort: server.xdsPort, directory: dir.path)
        do {
            try await EnvoyEndToEndTests.traffic(on: port, reaches: "A")
            let before = try await envoy.versions()
            // A request loop runs through the whole restart. It ends on a flag, not by cancellation:
            // Foundation's URLSession on Linux can leave a cancelled request waiting forever.
            let running = RunningFlag()
            let loop = Task {
                var failures = 0
                var total = 0
                while running.isOn {
                    total += 1
                    if (try? await HTTP.get("http://127.0.0.1:\(port)/"))?.text != "A" { failures += 1 }
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return (failures, total)
            }
            await server.stop()
            try await Task.sleep(for: .milliseconds(500))
            server = try await LogbookServe(
                dataDir: dir.path + "/data", xdsPort: server.xdsPort, log: dir.path + "/serve-2.log")
            // Envoy reconnects (its retry back-off is up to a few seconds) and reports its versions.
            let api = server.api
            let reconnected = try await eventually(within: .seconds(15), "proxy-1 reconnects") { () -> Bool? in
                try await proxyStatus(api: api, "proxy-1")?["connected"] as? Bool == true ? true : nil
            }
            #expect(reconnected)
            try await Task.sleep(for: .milliseconds(500))
            running.turnOff()
            let (failures, total) = await loop.value
            #expect(failures == 0, "\(failures) of \(total) requests failed during the restart")
            #expect(total > 50)
            // No new version after the reconnect: Envoy still runs what it ran before.
            #expect(try await envoy.versions() == before)
            #expect(before["http"] == String(version))
            // A change after the restart still propagates.
            try await Gateway(api: server.api).route(to: "svc-b")
            try await EnvoyEndToEndTests.traffic(on: port, reaches: "B")
        } catch {
            Issue.record("\(error)\n--- serve log:\n\(server.child.log.suffix(3000))\n--- envoy:\n\(envoy.child.log.suffix(3000))")
        }
        await envoy.stop()
        await server.stop()
        for backend in [a, b] { await backend.stop() }
    }

    @Test func anExportedLogReplaysAtThreeVersionsThroughARealEnvoy() async throws {
        let dir = try TemporaryDirectory()
        let port = freePort()
        // A log of three versions: the route sends to svc-a, then svc-b, then svc-c.
        let data = dir.path + "/source"
        for target in ["svc-a", "svc-b", "svc-c"] {
            let file = dir.path + "/\(target).yaml"
            try """
            services:
              - {name: svc-a, endpoints: ["127.0.0.1:9"]}
              - {name: svc-b, endpoints: ["127.0.0.1:9"]}
              - {name: svc-c, endpoints: ["127.0.0.1:9"]}
            routes:
              - {name: api, match: {prefix: /}, service: \(target)}
            proxies:
              - {id: replay-proxy, host: 127.0.0.1, http_port: \(port)}
            """.write(toFile: file, atomically: true, encoding: .utf8)
            try runLogbookOrThrow(["apply", file, "--data-dir", data])
        }
        let export = try runLogbookOrThrow(["export", "--data-dir", data])
        let fixture = dir.path + "/log.jsonl"
        try export.write(toFile: fixture, atomically: true, encoding: .utf8)
        for (version, cluster) in [(5, "svc-a"), (7, "svc-b"), (9, "svc-c")] {
            let replay = try ChildProcess(
                executable: logbookExecutable,
                arguments: ["replay", fixture, "--version", String(version), "--serve", "--xds-port", "0", "--http-port", "0"],
                logPath: dir.path + "/replay-\(version).log")
            let xds = try await eventually(within: .seconds(20), "replay serves") {
                LogbookServe.ports(in: replay.log)?.1
            }
            let envoy = try await Envoy(nodeID: "replay-proxy", xdsPort: xds, directory: dir.path)
            let routed = try await eventually("Envoy routes to \(cluster) at version \(version)") { () -> Bool? in
                try await envoy.routeCluster("http") == cluster ? true : nil
            }
            #expect(routed)
            #expect(try await envoy.routeVersion("http") == String(version))
            await envoy.stop()
            await replay.stop()
        }
    }

    @Test func replayingTheCommittedFixturePrintsTheSameDigestsEveryTime() throws {
        let fixture = repositoryRoot.appendingPathComponent("Tests/LogbookServerTests/Fixtures/replay.jsonl").path
        let first = try runLogbookOrThrow(["replay", fixture, "--version", "7"])
        let second = try runLogbookOrThrow(["replay", fixture, "--version", "7"])
        let digests = { (output: String) in output.split(separator: "\n").filter { $0.contains("sha256") } }
        #expect(digests(first).count == 1)
        #expect(digests(first) == digests(second))
        #expect(digests(first) != digests(try runLogbookOrThrow(["replay", fixture, "--version", "9"])))
        #expect(first.contains("version 7: 3 services, 1 routes, 1 proxies"))
    }

    @Test func replayAndServeRefuseAVersionTheLogLacksAndPortsOutOfRange() throws {
        let fixture = repositoryRoot.appendingPathComponent("Tests/LogbookServerTests/Fixtures/replay.jsonl").path
        #expect(throws: (any Error).self) { try runLogbookOrThrow(["replay", fixture, "--version", "99"]) }
        for arguments in [["replay", fixture, "--serve", "--xds-port", "70000"], ["serve", "--xds-port=-1"]] {
            do {
                try runLogbookOrThrow(arguments)
                Issue.record("\(arguments) was accepted")
            } catch {
                #expect("\(error)".contains("--xds-port must be 0...65535"))
            }
        }
    }
}

/// A loop's "keep going", shared with the task that runs it.
final class RunningFlag: Sendable {
    private let value = Atomic<Bool>(true)
    var isOn: Bool { value.load(ordering: .acquiring) }
    func turnOff() { value.store(false, ordering: .releasing) }
}

/// The `status` object GET /proxies gives for proxy `id`.
func proxyStatus(api: String, _ id: String) async throws -> [String: Any]? {
    let proxies = try await HTTP.get(api + "/proxies").json["proxies"] as? [[String: Any]] ?? []
    return proxies.first { $0["id"] as? String == id }?["status"] as? [String: Any]
}

/// Runs the `logbook` CLI to completion and answers what it printed; throws with its output when it fails.
@discardableResult
func runLogbookOrThrow(_ arguments: [String]) throws -> String {
    let output = try runLogbook(arguments)
    let text = output.stdout + output.stderr
    guard output.status == 0 else { throw TestFailure("logbook \(arguments.joined(separator: " ")): \(text)") }
    return text
}

extension Envoy {
    /// version_info per dynamic resource kind, from /config_dump.
    func versions() async throws -> [String: String] {
        let dump = try await HTTP.get("http://127.0.0.1:\(adminPort)/config_dump").json
        var versions: [String: String] = [:]
        for config in dump["configs"] as? [[String: Any]] ?? [] {
            for route in config["dynamic_route_configs"] as? [[String: Any]] ?? [] {
                if let name = (route["route_config"] as? [String: Any])?["name"] as? String {
                    versions[name] = route["version_info"] as? String
                }
            }
            if let version = config["version_info"] as? String, let type = config["@type"] as? String {
                versions[type] = version
            }
        }
        return versions
    }

    /// The cluster the first route of route configuration `name` sends to.
    func routeCluster(_ name: String) async throws -> String? {
        let dump = try await HTTP.get("http://127.0.0.1:\(adminPort)/config_dump?resource=dynamic_route_configs").json
        for config in dump["configs"] as? [[String: Any]] ?? [] {
            guard let route = config["route_config"] as? [String: Any], route["name"] as? String == name else { continue }
            let hosts = route["virtual_hosts"] as? [[String: Any]] ?? []
            let routes = hosts.first?["routes"] as? [[String: Any]] ?? []
            return (routes.first?["route"] as? [String: Any])?["cluster"] as? String
        }
        return nil
    }
}
