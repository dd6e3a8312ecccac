import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceLifecycle
import Testing

/// Runs the real server on 127.0.0.1 and a free port for the duration of `body`.
func withLiveServer(
    limits: ConnectionLimits = ConnectionLimits(), _ body: @Sendable (Int, LogHarness) async throws -> Void
) async throws {
    let harness = try LogHarness()
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try buildApplication(
        logbook: harness.logbook,
        configuration: AdminAPIConfiguration(host: "127.0.0.1", port: 0, connectionLimits: limits)
    ) { port in
        continuation.yield(port)
    }
    // A graceful shutdown, as on SIGTERM: the server stops accepting and drains its connections.
    let services = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        do {
            try await body(port, harness)
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
    }
}

extension TestClient.Response {
    var object: [String: Any] {
        let text = body.map { String(buffer: $0) } ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

@Suite("the API on a real socket")
struct LiveServerTests {
    @Test("a mutation, a read and an error over TCP on 127.0.0.1")
    func live() async throws {
        try await withLiveServer { port, harness in
            try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let added = try await client.post(
                    "/services/add", headers: .json([.actor: "live"]), body: ByteBuffer(string: Fixture.service("a")))
                #expect(added.status == .created)
                #expect(added.headers[.eTag] == "\"1\"")
                #expect(added.headers[.actor] == "live")
                let shown = try await client.get("/services/a")
                #expect(shown.status == .ok)
                #expect(shown.object["name"] as? String == "a")
                let refused = try await client.post(
                    "/services/add", headers: .json(), body: ByteBuffer(string: Fixture.service("a")))
                #expect(refused.status == .conflict)
                #expect((refused.object["error"] as? [String: Any])?["code"] as? String == "duplicate")
            }
            #expect(harness.head == 1)
        }
    }

    @Test("64 clients POST distinct routes at once: all acknowledged, all present, sequences gapless")
    func concurrentClients() async throws {
        try await withLiveServer { port, harness in
            try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                let added = try await client.post(
                    "/services/add", headers: .json(), body: ByteBuffer(string: Fixture.service("rest-api")))
                #expect(added.status == .created)
            }
            let sequences = try await withThrowingTaskGroup(of: [Int].self) { group in
                for index in 0..<64 {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                            let response = try await client.post(
                                "/routes/add", headers: .json([.actor: "client-\(index)"]),
                                body: ByteBuffer(string: Fixture.route("r\(index)")))
                            #expect(response.status == .created)
                            return (response.object["events"] as? [[String: Any]] ?? []).compactMap {
                                $0["seq"] as? Int
                            }
                        }
                    }
                }
                var all: [Int] = []
                for try await seqs in group { all += seqs }
                return all
            }
            #expect(sequences.sorted() == Array(2...65))
            #expect(harness.head == 65)
            #expect(harness.logbook.state.routes.count == 64)
            for sequence in UInt64(1)...65 {
                #expect(try harness.store.envelope(at: sequence)?.sequence == sequence)
            }
            #expect(try harness.store.verify().isValid)
        }
    }
}
