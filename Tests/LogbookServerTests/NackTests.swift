import AdminAPI
import EventLog
import Foundation
import LogbookCore
import LogbookServer
import TestSupport
import Testing
import XDS

/// A resource Envoy rejects, made by a test-only translation hook: the NACK shows in the API
/// and the log, and the server does not resend the rejected content.
@Suite(.timeLimit(.minutes(3))) struct NackTests {
    @Test func aRejectedClusterIsRecordedAndNotResent() async throws {
        let dir = try TemporaryDirectory()
        let store = try LMDBEventStore(directory: dir.path + "/data")
        defer { store.close() }
        let logbook = try Logbook(store: store)
        // Envoy requires connect_timeout > 0: a cluster named reject-me gets a negative one.
        let hook = TranslationHook(clusters: { clusters in
            for index in clusters.indices where clusters[index].name == "reject-me" {
                clusters[index].connectTimeout = .init(seconds: -1)
            }
        })
        let configuration = ServerConfiguration(
            api: AdminAPIConfiguration(port: 0), xdsPort: 0, translationHook: hook,
            observationInterval: .milliseconds(20))
        let (portsStream, portsFeed) = AsyncStream<BoundPorts>.makeStream()
        let server = Task {
            try await LogbookServer.run(logbook: logbook, configuration: configuration) { ports, _ in
                portsFeed.yield(ports)
            }
        }
        defer { server.cancel() }
        var iterator = portsStream.makeAsyncIterator()
        guard let ports = await iterator.next() else { throw TestFailure("the server did not start") }
        let api = "http://127.0.0.1:\(ports.http)"
        let gateway = EnvoyEndToEndTests.Gateway(api: api)
        try await gateway.register(proxy: "proxy-1", httpPort: freePort())
        try await gateway.addService("fine", endpoint: "127.0.0.1:9")
        let envoy = try await Envoy(nodeID: "proxy-1", xdsPort: ports.xds, directory: dir.path)
        do {
            try await gateway.addService("reject-me", endpoint: "127.0.0.1:9")
            let proxies = try await eventually("GET /proxies shows the NACK") { () -> String? in
                let body = try await HTTP.get(api + "/proxies").text
                return body.contains("positive duration") ? body : nil
            }
            #expect(proxies.contains(ResourceType.cluster.typeURL))
            let events = try await eventually("the log holds ProxyNacked") { () -> String? in
                let body = try await HTTP.get(api + "/events?type=ProxyNacked").text
                return body.contains("ProxyNacked") ? body : nil
            }
            #expect(events.contains("positive duration"))
            // Envoy saw the rejected update once; a second of quiet brings no resend.
            let rejected = try await envoy.stat("cluster_manager.cds.update_rejected")
            try await Task.sleep(for: .seconds(1))
            #expect(try await envoy.stat("cluster_manager.cds.update_rejected") == rejected)
            #expect(rejected == 1)
        } catch {
            Issue.record("\(error)\n--- envoy:\n\(envoy.child.log.suffix(3000))")
        }
        await envoy.stop()
        server.cancel()
        _ = await server.result
    }
}

extension Envoy {
    /// One counter from Envoy's admin /stats.
    func stat(_ name: String) async throws -> Int? {
        let text = try await HTTP.get("http://127.0.0.1:\(adminPort)/stats?filter=^\(name)$").text
        return text.split(separator: "\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":")
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
    }
}
