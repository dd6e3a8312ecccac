import EventLog
import Foundation
import Gateway
import LogbookCore
import TestSupport
import Testing

/// A seeded source, so a failing sequence can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random commands over a small name pool, so they collide, reference and remove each other.
struct CommandGenerator {
    var random: SeededGenerator
    let names = ["a", "b", "c", "d", "e"]

    mutating func next(_ state: GatewayState) -> GatewayCommand {
        let name = names.randomElement(using: &random)!
        let services = state.services.keys.sorted()
        let target = services.randomElement(using: &random) ?? "a"
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return .registerService(service(name, port: Int.random(in: 1000...9000, using: &random)))
        case 1: return .updateService(service(name, port: Int.random(in: 1000...9000, using: &random)))
        case 2: return .removeService(name: name)
        case 3: return .addRoute(route("r-\(name)", to: target))
        case 4:
            var changed = route("r-\(name)", to: target)
            changed.timeout = .milliseconds(Int64.random(in: 1...30_000, using: &random))
            return .changeRoute(changed)
        case 5: return .removeRoute(name: "r-\(name)")
        case 6: return .registerProxy(Proxy(id: "p-\(name)", httpPort: Int.random(in: 10000...11000, using: &random)))
        case 7:
            return .rollback(
                toVersion: UInt64.random(in: 1...max(state.head, 1), using: &random), reason: "test",
                target: GatewayState())
        default:
            let chosen = services.filter { _ in Bool.random(using: &random) }
            return .applyDeclarative(
                DeclarativeConfig(services: chosen.map { service($0, port: 7000) }, routes: []), sourceHash: "h")
        }
    }
}

@Suite("Projection properties")
struct ProjectionPropertyTests {
    @Test(
        "replaying from scratch equals the live state at every version, and checkpoints change nothing",
        arguments: [1, 2, 3])
    func replayEqualsIncremental(seed: UInt64) async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path, checkpointInterval: 7)
        defer { store.close() }
        var generator = CommandGenerator(random: SeededGenerator(state: seed))
        var observed = [UInt64: GatewayState]()
        var accepted = 0
        for _ in 0..<300 {
            let command = generator.next(logbook.state)
            do {
                let result: CommandResult
                if case .rollback(let version, let reason, _) = command {
                    result = try await logbook.rollback(to: version, reason: reason)
                } else {
                    result = try await logbook.execute(command)
                }
                if !result.events.isEmpty { accepted += 1 }
            } catch is LogbookError {
                continue  // a refusal is part of the property: it must leave no trace
            }
            let state = logbook.state
            observed[state.head] = state
        }
        #expect(accepted > 50, "the generator should produce enough accepted commands")
        try await logbook.writeMissingCheckpoints()
        for (head, live) in observed {
            let replayed = try logbook.projection.fold(GatewayState(), through: head)
            #expect(replayed == live, "full fold differs at \(head) (seed \(seed))")
            #expect(replayed.encoded() == live.encoded())
            let fromCheckpoint = try logbook.projection.state(at: head)
            #expect(fromCheckpoint == live, "checkpoint fold differs at \(head) (seed \(seed))")
        }
        // Every event in the log was accepted: the heads we saw cover the whole log.
        #expect(observed.keys.max() == store.head)
    }

    @Test("a payload that does not decode stops the fold with an error naming its event")
    func undecodablePayload() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        _ = try await store.append(
            AppendRequest(
                events: [
                    NewEvent(
                        kind: .configuration, type: "ServiceRegistered", schemaVersion: 2, entities: [],
                        payload: [0xff, 0xff])
                ], actor: "test", requestID: "garbage"))
        let error = #expect(throws: LogbookError.self) {
            try Projection(store: store).fold(GatewayState(), through: store.head)
        }
        #expect(error?.code == .corrupt)
        #expect(error?.message.hasPrefix("event 2:") == true)
    }

    @Test("an exported log imported elsewhere replays to byte-identical state")
    func exportImportDeterminism() async throws {
        let source = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(source.path)
        var generator = CommandGenerator(random: SeededGenerator(state: 99))
        for _ in 0..<100 { _ = try? await logbook.execute(generator.next(logbook.state)) }
        var lines = [String]()
        try store.export { lines.append($0) }
        let original = logbook.state
        store.close()

        let copy = try TemporaryDirectory()
        let (imported, replayed) = try openLogbook(copy.path)
        defer { imported.close() }
        try imported.importLines(lines)
        let rebuilt = try replayed.projection.state(at: imported.head)
        #expect(rebuilt.encoded() == original.encoded())
        #expect(rebuilt.jsonData() == original.jsonData())
        var again = [String]()
        try imported.export { again.append($0) }
        #expect(again == lines)
    }
}
