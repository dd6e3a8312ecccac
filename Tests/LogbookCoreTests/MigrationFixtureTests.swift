import Crypto
import EventLog
import Foundation
import LogbookCore
import TestSupport
import Testing

/// Every schema version's fixture log under `migrations/` must replay to its expected state, forever.
@Suite("Migration fixtures")
struct MigrationFixtureTests {
    static var fixtures: [String] {
        let root = repositoryRoot.appendingPathComponent("migrations").path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return entries.sorted().filter { FileManager.default.fileExists(atPath: "\(root)/\($0)/fixture.jsonl") }
    }

    @Test("there is at least one fixture")
    func fixturesExist() {
        #expect(!Self.fixtures.isEmpty)
    }

    @Test("the fixture replays to its expected final-state hash", arguments: fixtures)
    func replay(fixture: String) throws {
        let folder = repositoryRoot.appendingPathComponent("migrations/\(fixture)")
        let lines = try String(contentsOf: folder.appendingPathComponent("fixture.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let expected = try String(contentsOf: folder.appendingPathComponent("expected-state.sha256"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        try store.importLines(lines)
        #expect(try store.verify().isValid)
        let state = try logbook.projection.state(at: store.head)
        let json = state.jsonData()
        let hash = Hex.encode(Array(SHA256.hash(data: json)))
        #expect(hash == expected, "state was:\n\(String(decoding: json, as: UTF8.self))")
    }
}
