import EventLog
import Foundation
import TestSupport
import Testing

/// A log of four events and three idempotency keys: `create` (events 2-3), `noop` (no events,
/// at head 3) and `late` (event 4). Returns its full export.
private func makeKeyedLog(_ directory: String) async throws -> [String] {
    try await withStore(directory, testOptions(clock: { 1_764_240_000_000 })) { store async throws in
        try await appendNumbered(store, count: 1)
        _ = try await store.append(request([event("Create"), event("Create")], key: "create", digest: [1, 2, 3]))
        _ = try await store.append(request([], key: "noop", digest: [4]))
        _ = try await store.append(request([event("Late")], key: "late", digest: [5]))
        var lines = [String]()
        try store.export { lines.append($0) }
        return lines
    }
}

private func isKeyLine(_ line: String) -> Bool { line.contains("\"idempotency_key\"") }

@Suite("Idempotency keys survive export and import")
struct IdempotencyTransferTests {
    @Test("export writes the keys after the envelopes, in head order, as documented")
    func exportFormat() async throws {
        try await withTemporaryDirectory { root async throws in
            let lines = try await makeKeyedLog(root.sub("source"))
            #expect(lines.count == 7)
            #expect(lines.prefix(4).allSatisfy { !isKeyLine($0) })
            #expect(lines.suffix(3).allSatisfy(isKeyLine))
            #expect(
                lines[4]
                    == #"{"digest":"010203","head":3,"idempotency_key":"create","recorded_at_ms":1764240000000,"sequences":[2,3]}"#
            )
            #expect(lines[5] == #"{"digest":"04","head":3,"idempotency_key":"noop","recorded_at_ms":1764240000000}"#)
            let late = try JSONDecoder().decode(IdempotencyKeyRecord.self, from: Data(lines[6].utf8))
            #expect(late.idempotencyKey == "late")
            #expect(
                try late.record()
                    == IdempotencyRecord(sequences: 4...4, head: 4, recordedAt: 1_764_240_000_000, requestDigest: [5]))
            // A range carries the keys whose answer ends in it, so consecutive ranges split them.
            try await withStore(root.sub("source")) { store async throws in
                var early = [String]()
                try store.export(through: 3) { early.append($0) }
                #expect(early == Array(lines[0..<3]) + Array(lines[4...5]))
                var rest = [String]()
                try store.export(from: 4) { rest.append($0) }
                #expect(rest == [lines[3], lines[6]])
            }
        }
    }

    @Test("append with a key, export, import into a fresh log: the retry replays, another digest is refused")
    func roundTrip() async throws {
        try await withTemporaryDirectory { root async throws in
            let lines = try await makeKeyedLog(root.sub("source"))
            try await withStore(root.sub("copy")) { store async throws in
                #expect(try store.importLines(lines) == 4)
                #expect(store.head == 4)
                #expect(
                    try store.idempotencyRecord(for: "create")
                        == IdempotencyRecord(
                            sequences: 2...3, head: 3, recordedAt: 1_764_240_000_000, requestDigest: [1, 2, 3]))
                let retry = try await store.append(
                    request([event("Create"), event("Create")], key: "create", digest: [1, 2, 3]))
                #expect(retry == AppendResult(sequences: 2...3, head: 3, recordedAt: 1_764_240_000_000, replayed: true))
                #expect(try await store.append(request([], key: "noop", digest: [4])).replayed)
                #expect(try await store.append(request([event("Late")], key: "late", digest: [5])).replayed)
                #expect(store.head == 4)
                let error = await #expect(throws: EventLogError.self) {
                    try await store.append(request([event("Other")], key: "create", digest: [9]))
                }
                #expect(error?.code == .idempotencyMismatch)
                #expect(store.head == 4)
                // The copy exports what the source did.
                var exported = [String]()
                try store.export { exported.append($0) }
                #expect(exported == lines)
            }
            // Imported in two ranges, the keys arrive all the same.
            try await withStore(root.sub("resumed")) { store async throws in
                #expect(try store.importLines(Array(lines[0..<3]) + Array(lines[4...5])) == 3)
                #expect(try store.idempotencyRecord(for: "noop")?.head == 3)
                #expect(try store.importLines([lines[3], lines[6]]) == 1)
                #expect(try store.idempotencyRecord(for: "late")?.sequences == 4...4)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("an export without key lines (an older one) still imports; its keys are simply unknown")
    func olderExport() async throws {
        try await withTemporaryDirectory { root async throws in
            let lines = try await makeKeyedLog(root.sub("source"))
            try await withStore(root.sub("copy")) { store async throws in
                #expect(try store.importLines(lines.filter { !isKeyLine($0) }) == 4)
                #expect(try store.idempotencyRecord(for: "create") == nil)
                #expect(try store.verify().isValid)
            }
        }
    }

    @Test("a key line ahead of its events, contradicting another, or malformed fails, naming the line")
    func badKeyLines() async throws {
        try await withTemporaryDirectory { root async throws in
            let lines = try await makeKeyedLog(root.sub("source"))
            try await withStore(root.sub("ahead")) { store async throws in
                let error = #expect(throws: EventLogError.self) {
                    try store.importLines(Array(lines[0..<3]) + [lines[6], lines[3]])
                }
                #expect(error?.code == .invalidEvent)
                #expect(error?.message.hasPrefix("line 4: idempotency key 'late'") == true)
                #expect(try store.idempotencyRecord(for: "late") == nil)
            }
            try await withStore(root.sub("contradicting")) { store async throws in
                let other = lines[4].replacingOccurrences(of: "\"010203\"", with: "\"ff\"")
                let error = #expect(throws: EventLogError.self) { try store.importLines(lines + [other]) }
                #expect(error?.code == .invalidEvent)
                #expect(error?.message.contains("line 8: idempotency key 'create' is already recorded") == true)
            }
            try await withStore(root.sub("malformed")) { store async throws in
                let notHex = lines[4].replacingOccurrences(of: "\"010203\"", with: "\"xyz\"")
                let badRange = lines[4].replacingOccurrences(of: "[2,3]", with: "[3,2]")
                for (bad, field) in [(notHex, "digest"), (badRange, "sequences")] {
                    let error = #expect(throws: EventLogError.self) {
                        try store.importLines(Array(lines[0..<4]) + [bad])
                    }
                    #expect(error?.message.hasPrefix("line 5: \(field)") == true, "\(String(describing: error))")
                }
            }
        }
    }
}
