import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

/// Every stored (key, value) of the `events` database of the log at `directory`, read directly
/// with LMDB. The store must be closed and released.
func rawEvents(_ directory: String) throws -> [[UInt8]: [UInt8]] {
    let environment = try Environment(path: directory)
    let events = try environment.openDatabase("events", flags: [])
    return try environment.read { txn throws in
        try txn.withCursor(events) { cursor throws in
            var all = [[UInt8]: [UInt8]]()
            var entry = try cursor.first()
            while let current = entry {
                all[Array(current.key)] = Array(current.value)
                entry = try cursor.next()
            }
            return all
        }
    }
}

/// A log of ten varied events, written with a clock that starts at a fixed instant.
func makeSourceLog(_ directory: String) async throws -> (lines: [String], envelopes: [Envelope]) {
    let clock = ManualClock(1_764_240_000_000)
    return try await withStore(directory, testOptions(clock: clock.function)) { store async throws in
        for number in 1...10 {
            clock.set(1_764_240_000_000 + Int64(number / 3) * 60_000)
            let events = [
                event(
                    number % 4 == 0 ? "ProxyAcked" : "RouteChanged",
                    kind: number % 4 == 0 ? .observation : .configuration,
                    entities: number % 2 == 0 ? ["route/r\(number)", "service/s"] : [],
                    payload: [0, 255, UInt8(number), 10, 13] + Array("ünïcødé \"quoted\" / \(number)".utf8),
                    schema: UInt16(number % 3 + 1))
            ]
            _ = try await store.append(request(events, actor: "actor-\(number % 2)", requestID: "request/\(number)"))
        }
        var lines = [String]()
        try store.export { lines.append($0) }
        return (lines, try allEnvelopes(store))
    }
}

@Suite("Export, import and backup")
struct TransferTests {
    @Test("export writes one JSON object per event, in log order")
    func exportFormat() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, envelopes) = try await makeSourceLog(root.sub("source"))
            #expect(lines.count == 10)
            #expect(lines.allSatisfy { !$0.contains("\n") })
            let records = try lines.map { try JSONDecoder().decode(EnvelopeRecord.self, from: Data($0.utf8)) }
            #expect(records.map(\.seq) == Array(1...10))
            #expect(records == envelopes.map { EnvelopeRecord($0) })
            let first = try #require(records.first)
            #expect(first.prevHash == String(repeating: "0", count: 64))
            #expect(first.hash == Hex.encode(envelopes[0].hash))
            #expect(first.recordedAtMs == 1_764_240_000_000)
            #expect(first.recordedAt == "2025-11-27T10:40:00.000Z")
            #expect(first.kind == "configuration")
            #expect(records[3].kind == "observation")
            #expect(first.payload.flatMap { Data(base64Encoded: $0) }.map(Array.init) == envelopes[0].payload)
            // Keys are sorted and named as documented.
            #expect(lines[0].hasPrefix("{\"actor\":\"actor-1\",\"entities\":[],\"hash\":"))
            #expect(lines[0].contains("\"prev_hash\":\"0000"))
            #expect(lines[0].contains("\"recorded_at_ms\":1764240000000"))
            #expect(lines[0].contains("\"request_id\":\"request/1\""))
            #expect(lines[0].contains("\"schema_version\":2"))
            // A range exports only that range.
            var middle = [String]()
            try await withStore(root.sub("source")) { store async throws in
                try store.export(from: 4, through: 6) { middle.append($0) }
            }
            #expect(middle == Array(lines[3...5]))
        }
    }

    @Test("export then importLines into a fresh log gives byte-identical envelopes and a valid chain")
    func exportImportRoundTrip() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, envelopes) = try await makeSourceLog(root.sub("source"))
            let copyLines = try await withStore(root.sub("copy")) { store async throws -> [String] in
                let imported = try store.importLines(lines + [""])
                #expect(imported == 10)
                #expect(store.head == 10)
                #expect(try allEnvelopes(store) == envelopes)
                let report = try store.verify()
                #expect(report.isValid)
                #expect(report.checked == 10)
                // The indexes are rebuilt too.
                #expect(
                    try store.envelopes(
                        {
                            var q = EventQuery(); q.entity = "service/s"; return q
                        }()
                    )
                    .envelopes.map(\.sequence) == [2, 4, 6, 8, 10])
                #expect(try store.sequence(atOrBefore: 1_764_240_000_000 + 60_000) == 5)
                var exported = [String]()
                try store.export { exported.append($0) }
                // The imported log goes on from the imported chain.
                let next = try await store.append(request([event("AfterImport")]))
                #expect(next.sequences == 11...11)
                #expect(try store.envelope(at: 11)?.previousHash == envelopes[9].hash)
                #expect(try store.envelope(at: 11)?.recordedAt ?? 0 >= envelopes[9].recordedAt)
                return exported
            }
            #expect(copyLines == lines)
            // Byte for byte: the same stored envelopes for 1...10.
            let source = try rawEvents(root.sub("source"))
            var copy = try rawEvents(root.sub("copy"))
            copy.removeValue(forKey: sequenceKey(11))
            #expect(source.count == 10)
            #expect(copy == source)
        }
    }

    @Test("importing in small batches gives the same log")
    func importInBatches() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, envelopes) = try await makeSourceLog(root.sub("source"))
            try await withStore(root.sub("copy")) { store async throws in
                #expect(try store.importLines(lines, batchSize: 3) == 10)
                #expect(try allEnvelopes(store) == envelopes)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("an import line whose payload was tampered with fails, naming the line, and writes nothing")
    func tamperedImportFails() async throws {
        try await withTemporaryDirectory { root async throws in
            var (lines, _) = try await makeSourceLog(root.sub("source"))
            var record = try JSONDecoder().decode(EnvelopeRecord.self, from: Data(lines[2].utf8))
            record.payload = Data("tampered".utf8).base64EncodedString()
            lines[2] = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
            try await withStore(root.sub("copy")) { store async throws in
                let error = #expect(throws: EventLogError.self) { try store.importLines(lines) }
                #expect(error?.code == .invalidEvent)
                #expect(error?.message.contains("line 3") == true)
                #expect(error?.message.contains("checksum") == true)
                #expect(store.head == 0)
                #expect(try store.envelope(at: 1) == nil)
            }
        }
    }

    @Test("import lines that do not parse fail, naming the line")
    func malformedImportLines() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, _) = try await makeSourceLog(root.sub("source"))
            try await withStore(root.sub("copy")) { store async throws in
                let notJSON = #expect(throws: EventLogError.self) { try store.importLines([lines[0], "not json"]) }
                #expect(notJSON?.code == .invalidEvent)
                #expect(notJSON?.message.hasPrefix("line 2:") == true)

                var record = try JSONDecoder().decode(EnvelopeRecord.self, from: Data(lines[0].utf8))
                record.kind = "maybe"
                let badKind = #expect(throws: EventLogError.self) {
                    try store.importLines(["", String(decoding: try JSONEncoder().encode(record), as: UTF8.self)])
                }
                #expect(badKind?.message.hasPrefix("line 2: kind") == true)

                record = try JSONDecoder().decode(EnvelopeRecord.self, from: Data(lines[0].utf8))
                record.hash = "abc"
                let badHash = #expect(throws: EventLogError.self) {
                    try store.importLines([String(decoding: try JSONEncoder().encode(record), as: UTF8.self)])
                }
                #expect(badHash?.message.hasPrefix("line 1: hash") == true)

                // A header (what `GET /events` shows) is not an export line: it has no payload.
                record = try JSONDecoder().decode(EnvelopeRecord.self, from: Data(lines[0].utf8))
                let header = EnvelopeRecord(header: try record.envelope())
                let noPayload = #expect(throws: EventLogError.self) {
                    try store.importLines([String(decoding: try CanonicalJSON.encode(header), as: UTF8.self)])
                }
                #expect(noPayload?.message.hasPrefix("line 1: recorded_at_ms: missing") == true)
                #expect(store.head == 0)
            }
        }
    }

    @Test("importing a line out of sequence fails")
    func importGapFails() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, _) = try await makeSourceLog(root.sub("source"))
            try await withStore(root.sub("copy")) { store async throws in
                let error = #expect(throws: EventLogError.self) { try store.importLines([lines[0], lines[2]]) }
                #expect(error?.code == .invalidEvent)
                #expect(error?.message.contains("line 2: event 3 does not follow event 1") == true)
                #expect(store.head == 0)
            }
        }
    }

    @Test("importing into a non-empty log fails unless the lines continue its chain")
    func importIntoNonEmptyLog() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, envelopes) = try await makeSourceLog(root.sub("source"))
            try await withStore(root.sub("other")) { store async throws in
                try await appendNumbered(store, count: 3)
                // From the start: the sequences do not follow.
                let restart = #expect(throws: EventLogError.self) { try store.importLines(lines) }
                #expect(restart?.code == .invalidEvent)
                #expect(restart?.message.contains("line 1") == true)
                #expect(restart?.message.contains("import into an empty data directory") == true)
                // From event 4: the sequences follow but the chain of another log does not.
                let foreign = #expect(throws: EventLogError.self) { try store.importLines(Array(lines[3...])) }
                #expect(foreign?.code == .invalidEvent)
                #expect(foreign?.message.contains("line 1: event 4 breaks the chain") == true)
                #expect(store.head == 3)
                #expect(try store.verify().checked == 3)
            }
            // The log the lines came from can be continued: 1...3 first, then 4...10.
            try await withStore(root.sub("resumed")) { store async throws in
                #expect(try store.importLines(Array(lines[0..<3])) == 3)
                #expect(try store.importLines(Array(lines[3...])) == 7)
                #expect(try allEnvelopes(store) == envelopes)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("backup(to:) makes a copy that opens as a store with the same head and verifies")
    func backup() async throws {
        try await withTemporaryDirectory { root async throws in
            let (_, envelopes) = try await makeSourceLog(root.sub("source"))
            let backupDirectory = root.sub("backups/first")
            try await withStore(root.sub("source")) { store async throws in
                try await store.saveCheckpoint(sequence: 5, state: [5])
                try store.backup(to: backupDirectory)
                // The live log goes on; the backup does not see it.
                _ = try await store.append(request([event("AfterBackup")]))
                #expect(store.head == 11)
            }
            try await withStore(backupDirectory) { store async throws in
                #expect(store.head == 10)
                let report = try store.verify()
                #expect(report.isValid)
                #expect(report.checked == 10)
                #expect(try allEnvelopes(store) == envelopes)
                #expect(try store.checkpoint(atOrBefore: 10)?.state == [5])
                #expect(
                    try store.envelopes(
                        {
                            var q = EventQuery(); q.entity = "service/s"; return q
                        }()
                    )
                    .envelopes.count == 5)
                // A restored backup takes appends.
                #expect(try await store.append(request([event()])).sequences == 11...11)
            }
        }
    }

    @Test("backup into a non-empty directory fails with .notEmpty and leaves it alone")
    func backupIntoNonEmptyDirectory() async throws {
        try await withTemporaryDirectory { root async throws in
            let target = root.sub("occupied")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let marker = (target as NSString).appendingPathComponent("keep.txt")
            try Data("mine".utf8).write(to: URL(fileURLWithPath: marker))
            try await withStore(root.sub("source")) { store async throws in
                try await appendNumbered(store, count: 2)
                let error = #expect(throws: EventLogError.self) { try store.backup(to: target) }
                #expect(error?.code == .notEmpty)
                #expect(error?.message.contains(target) == true)
                // Backing up over the live log itself is refused too.
                let onto = #expect(throws: EventLogError.self) { try store.backup(to: store.directory) }
                #expect(onto?.code == .notEmpty)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: target) == ["keep.txt"])
        }
    }
}
