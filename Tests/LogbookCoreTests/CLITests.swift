import Foundation
import TestSupport
import Testing

/// The `logbook` executable as a user meets it: real files, real exit codes, one-line errors.
@Suite("logbook CLI", .serialized)
struct CLITests {
    let gateway = repositoryRoot.appendingPathComponent("ops/gateway.yaml").path

    /// Bad input is one line on stderr, exit code 1, and never a crash or stack trace.
    func expectOneLineError(
        _ output: ProcessOutput, mentions: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(output.status == 1, sourceLocation: sourceLocation)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.hasPrefix("logbook: error: "), sourceLocation: sourceLocation)
        #expect(output.stderr.contains(mentions), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(!output.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
    }

    func write(_ text: String, in dir: TemporaryDirectory, name: String = "gateway.yaml") throws -> String {
        let path = dir.path + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("apply appends the differences once; the second apply appends nothing")
    func applyTwice() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let first = try runLogbook(["apply", gateway, "--data-dir", data])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("ServiceRegistered"))
        let second = try runLogbook(["apply", gateway, "--data-dir", data])
        #expect(second.status == 0)
        #expect(second.stdout.contains("no changes"))
        let events = try runLogbook(["events", "--data-dir", data])
        #expect(events.stdout.split(separator: "\n").count == 10)
        let verify = try runLogbook(["verify", "--data-dir", data])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("ok: 10 event(s)"))
    }

    @Test("--dry-run prints the events and appends nothing")
    func dryRun() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let output = try runLogbook(["apply", gateway, "--dry-run", "--data-dir", data])
        #expect(output.status == 0)
        #expect(output.stdout.contains("would append"))
        let events = try runLogbook(["events", "--data-dir", data])
        #expect(events.stdout.isEmpty)
    }

    @Test("bad input gets one clear line naming the problem, and appends nothing")
    func badInput() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        let cases: [(String, String)] = [
            ("services: [name: x\n  - broken", "not valid YAML"),
            ("services:\n  - name: x\n    endpoints: [\"127.0.0.1:1\"]\n    colour: blue\n", "colour"),
            (
                "services:\n  - name: x\n    endpoints: [\"127.0.0.1:1\"]\n    connect_timeout: soon\n",
                "connect_timeout"
            ),
            ("services:\n  - name: x\n    endpoints: [\"127.0.0.1:99999\"]\n", "endpoints"),
            ("routes:\n  - name: r\n    match: {prefix: /x/}\n    service: nowhere\n", "nowhere"),
            ("routes:\n  - name: r\n    match: {regex: \"(\"}\n    service: rest-api\n", "regex"),
        ]
        for (index, (text, mention)) in cases.enumerated() {
            let file = try write(text, in: dir, name: "bad-\(index).yaml")
            expectOneLineError(try runLogbook(["apply", file, "--data-dir", data]), mentions: mention)
        }
        expectOneLineError(
            try runLogbook(["apply", dir.path + "/missing.yaml", "--data-dir", data]), mentions: "missing.yaml")
        expectOneLineError(
            try runLogbook(["events", "--since", "yesterday-ish", "--data-dir", data]), mentions: "not a time")
        expectOneLineError(
            try runLogbook(["events", "--since", "99999999999999999999999d", "--data-dir", data]), mentions: "too far")
        expectOneLineError(try runLogbook(["state", "--version", "999", "--data-dir", data]), mentions: "999")
        expectOneLineError(try runLogbook(["events", "--data-dir", dir.path + "/nothing-here"]), mentions: "no log")
        // Nothing was appended by any of them.
        #expect(try runLogbook(["events", "--data-dir", data]).stdout.split(separator: "\n").count == 10)
    }

    @Test("a flipped byte is found: verify names the event, the server refuses, --repair truncates")
    func corruption() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        // The same gateway plus one service: event 11 registers it, event 12 marks the apply.
        let extended = try String(contentsOfFile: gateway, encoding: .utf8).replacingOccurrences(
            of: "services:\n", with: "services:\n  - name: zz-corrupt-me\n    endpoints: [\"127.0.0.1:7777\"]\n")
        let marker = try write(extended, in: dir, name: "more.yaml")
        let applied = try runLogbook(["apply", marker, "--data-dir", data])
        #expect(applied.status == 0, "\(applied.stderr)")
        let events = try runLogbook(["events", "--entity", "service/zz-corrupt-me", "--data-dir", data]).stdout
        let sequence = try #require(events.split(separator: " ").first.map(String.init))

        let file = data + "/data.mdb"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        let needle = Data("zz-corrupt-me".utf8)
        // The payload holds the name; flip a byte of it wherever the event's value is stored.
        var range = bytes.range(of: needle)
        var flipped = 0
        while let found = range {
            bytes[found.lowerBound + 3] ^= 0x01
            flipped += 1
            range = bytes.range(of: needle, in: found.upperBound..<bytes.endIndex)
        }
        #expect(flipped > 0)
        try bytes.write(to: URL(fileURLWithPath: file))

        let verify = try runLogbook(["verify", "--data-dir", data])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("event \(sequence) is bad"), "\(verify.stderr)")
        let refused = try runLogbook(["events", "--data-dir", data])
        expectOneLineError(refused, mentions: "verify --repair")
        let repair = try runLogbook(["verify", "--repair", "--data-dir", data])
        #expect(repair.status == 0, "\(repair.stderr)")
        #expect(repair.stdout.contains("dropped events \(sequence)"))
        #expect(try runLogbook(["verify", "--data-dir", data]).status == 0)
    }

    @Test("export, import elsewhere, and the same state comes back; backup opens too")
    func exportImportBackup() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        #expect(try runLogbook(["rollback", "3", "--reason", "test", "--data-dir", data]).status == 0)
        let export = try runLogbook(["export", "--data-dir", data])
        #expect(export.stdout.split(separator: "\n").count == 11)
        let file = try write(export.stdout, in: dir, name: "log.jsonl")
        let copy = dir.path + "/copy"
        let imported = try runLogbook(["import", file, "--data-dir", copy])
        #expect(imported.status == 0, "\(imported.stderr)")
        let original = try runLogbook(["state", "--json", "--data-dir", data]).stdout
        #expect(try runLogbook(["state", "--json", "--data-dir", copy]).stdout == original)
        let backup = try runLogbook(["backup", dir.path + "/backup", "--data-dir", data])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(try runLogbook(["state", "--json", "--data-dir", dir.path + "/backup"]).stdout == original)
        expectOneLineError(try runLogbook(["backup", dir.path + "/backup", "--data-dir", data]), mentions: "not empty")
        // Importing the same log again does not continue the chain.
        expectOneLineError(try runLogbook(["import", file, "--data-dir", copy]), mentions: "line 1")
    }

    @Test("events --json prints the GET /events item, prev_hash included, and export agrees on the chain")
    func eventsJSONShowsTheChain() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        let shown = try runLogbook(["events", "--json", "--data-dir", data]).stdout.split(separator: "\n")
            .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let exported = try runLogbook(["export", "--data-dir", data]).stdout.split(separator: "\n")
            .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            .filter { $0["seq"] != nil }
        #expect(shown.count == exported.count && !shown.isEmpty)
        for (line, record) in zip(shown, exported) {
            for key in ["seq", "recorded_at", "kind", "type", "schema_version", "actor", "request_id", "hash"] {
                #expect("\(line[key] ?? "absent")" == "\(record[key] ?? "missing")", "\(key)")
            }
            #expect(line["prev_hash"] as? String == record["prev_hash"] as? String)
            #expect(line["event"] is [String: Any])
            #expect(line["payload"] == nil)
        }
        for (earlier, later) in zip(shown, shown.dropFirst()) {
            #expect(later["prev_hash"] as? String == earlier["hash"] as? String)
        }
    }

    @Test("diff, versions and state --version answer about history")
    func history() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        let versions = try runLogbook(["versions", "--data-dir", data])
        #expect(versions.stdout.split(separator: "\n").count == 9)
        let diff = try runLogbook(["diff", "3", "6", "--data-dir", data])
        #expect(diff.stdout.contains("+ route api"))
        let old = try runLogbook(["state", "--version", "3", "--data-dir", data])
        #expect(old.stdout.contains("routes (0)"))
    }
}
