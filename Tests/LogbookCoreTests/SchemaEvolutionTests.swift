import EventLog
import Foundation
import Gateway
import LogbookCore
import Synchronization
import TestSupport
import Testing

/// Schema 3 of RouteAdded/RouteChanged/ConfigRolledBack and checkpoint format 2
/// (migrations/0002-rate-limit-field): old logs replay to the same state, old checkpoints are
/// passed over and written again.
@Suite("Schema evolution: rate limits in the normal path")
struct SchemaEvolutionTests {
    /// The 0002 fixture: a log the build before schema 3 wrote, rate limit sections included.
    static func fixtureLines() throws -> [String] {
        let url = repositoryRoot.appendingPathComponent("migrations/0002-rate-limit-field/fixture.jsonl")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("an old log replays to the same state, at every sequence, as its events written at the current schema")
    func oldLogReplaysLikeNewOne() async throws {
        let oldDir = try TemporaryDirectory()
        let (old, oldLogbook) = try openLogbook(oldDir.path)
        defer { old.close() }
        try old.importLines(try Self.fixtureLines())
        let envelopes = try (1...old.head).map { try #require(try old.envelope(at: $0)) }
        let events = try envelopes.map { try RecordedEvent($0).event }
        // The fixture holds what this test is about: schema-2 route and rollback payloads, with
        // rate limits in their trailing sections.
        let carriers: Set<String> = ["RouteAdded", "RouteChanged", "ConfigRolledBack"]
        let upcast = envelopes.filter { $0.schemaVersion == 2 && carriers.contains($0.type) }
        #expect(Set(upcast.map(\.type)) == carriers)
        #expect(
            events.contains { event in
                guard case .configRolledBack(let rollback) = event else { return false }
                return rollback.upsertedRoutes.contains { $0.rateLimit != nil }
            })
        #expect(
            events.contains { event in
                guard case .routeAdded(let route) = event else { return false }
                return route.rateLimit != nil
            })

        let newDir = try TemporaryDirectory()
        let (new, newLogbook) = try openLogbook(newDir.path)
        defer { new.close() }
        _ = try await new.append(
            AppendRequest(
                events: events.map { event in
                    NewEvent(
                        kind: event.kind == .observation ? .observation : .configuration, type: event.type,
                        schemaVersion: event.schemaVersion,
                        entities: event.entities, payload: event.encodePayload())
                }, actor: "test", requestID: "rewrite"))
        #expect(new.head == old.head)
        for sequence in 1...new.head {
            let envelope = try #require(try new.envelope(at: sequence))
            #expect(envelope.schemaVersion == GatewayEvent.currentSchemaVersion(for: envelope.type))
            let oldState = try oldLogbook.projection.state(at: sequence)
            let newState = try newLogbook.projection.state(at: sequence)
            #expect(oldState == newState, "state after event \(sequence)")
            #expect(oldState.jsonData() == newState.jsonData())
            #expect(oldState.encoded() == newState.encoded())
        }
    }

    @Test("an old-format checkpoint is passed over and counted, the state folded from the log, then written again")
    func oldCheckpointIsRebuilt() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path, checkpointInterval: 2)
        defer { store.close() }
        _ = try await logbook.execute(.registerProxy(Proxy(id: "p", httpPort: 10000)))
        _ = try await store.append(
            AppendRequest(
                events: [
                    NewEvent(
                        kind: .observation, type: "ProxyConnected", schemaVersion: 1, entities: ["node/p"],
                        payload: GatewayEvent.proxyConnected(nodes: [ConnectedNode(id: "p", cluster: "")])
                            .encodePayload())
                ], actor: "test", requestID: "observation"))
        #expect(store.head == 2)
        // The state at event 2 as the format-1 encoder wrote it (Tests/GatewayTests/PinTests.swift):
        // magic, format 1, version 1, head 2, no hash, no services, no routes, the proxy "p".
        let formatOne: [UInt8] = [
            0x4C, 0x42, 0x47, 0x53, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01,
            0x01, 0x01, 0x70, 0x00, 0x00, 0x01, 0xA0, 0x9C, 0x01, 0x00, 0x00,
        ]
        try await store.saveCheckpoint(sequence: 2, state: formatOne)

        let failures = Mutex<[String]>([])
        let projection = Projection(store: store, countFailure: { kind in failures.withLock { $0.append(kind) } })
        let state = try projection.state(at: 2)
        #expect(state.version == 1 && state.head == 2 && state.proxies[.node("p")] == Proxy(id: "p", httpPort: 10000))
        #expect(failures.withLock { $0 } == ["checkpoint_decode"])

        // `serve` and `import` write the checkpoints a log lacks; an undecodable one counts as lacking.
        let reopened = try Logbook(store: store, checkpointInterval: 2)
        #expect(try await reopened.writeMissingCheckpoints() == 1)
        let rewritten = try #require(try store.checkpoint(atOrBefore: 2))
        #expect(rewritten.sequence == 2)
        #expect(try GatewayState(decoding: rewritten.state) == state)
        #expect(rewritten.state[4] == 2, "format 2")
        failures.withLock { $0 = [] }
        #expect(try projection.state(at: 2) == state)
        #expect(failures.withLock { $0 }.isEmpty)
    }
}
