import Foundation
import LogbookCore
import TestSupport
import Testing

/// Declarative files and command lines built to hurt: amplification, huge files, broken YAML,
/// forged audit lines, bad arguments. Each is refused in one line, quickly, appending nothing.
@Suite("hostile files and arguments", .serialized)
struct HostileFileTests {
    let gateway = repositoryRoot.appendingPathComponent("ops/gateway.yaml").path

    func expectOneLineError(
        _ output: ProcessOutput, mentions: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(output.status == 1, "exit \(output.status): \(output.stderr)", sourceLocation: sourceLocation)
        #expect(
            output.stderr.split(separator: "\n").count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.hasPrefix("logbook: error: "), "\(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.contains(mentions), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
    }

    func eventCount(_ data: String) throws -> Int {
        try runLogbook(["events", "--data-dir", data]).stdout.split(separator: "\n").count
    }

    @Test("YAML anchors and aliases are refused at once with their line, however far they would expand")
    func aliasAmplification() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        // One service with 10,000 endpoints, aliased 2,000 times: 20 million endpoints expanded.
        var text =
            "x-endpoints: &many ["
            + (0..<10_000).map { "\"10.0.\($0 / 250).\($0 % 250 + 1):80\"" }
            .joined(separator: ",") + "]\nservices:\n"
        for index in 0..<2_000 { text += "  - {name: s\(index), endpoints: *many}\n" }
        let path = dir.path + "/bomb.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let started = ContinuousClock.now
        let output = try runLogbook(["apply", path, "--data-dir", data])
        #expect(ContinuousClock.now - started < .seconds(10))
        expectOneLineError(output, mentions: "bomb.yaml:1:")
        #expect(output.stderr.contains("anchors and aliases"))
        #expect(try eventCount(data) == 10)
    }

    @Test("a file over 4 MiB is refused before it is parsed")
    func hugeFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/huge.yaml"
        let line = Data("# padding padding padding padding padding padding padding padding padding padding\n".utf8)
        var data = Data()
        while data.count <= DeclarativeFile.maxFileBytes { data.append(line) }
        try data.write(to: URL(fileURLWithPath: path))
        expectOneLineError(try runLogbook(["apply", path, "--data-dir", dir.path + "/data"]), mentions: "at most")
    }

    @Test(
        "broken YAML names its line and column in one line",
        arguments: [
            ("services:\n  - name: a\n\tendpoints: []\n", "3:"),
            ("services: [name: x\n  - broken", "did not find expected"),
            ("services:\n  - name: a\n    name: b\n    endpoints: [\"127.0.0.1:1\"]\n", "duplicate"),
            ("routes:\n  - name: \"unterminated\n", ":"),
        ])
    func brokenYAML(text: String, mention: String) throws {
        let dir = try TemporaryDirectory()
        let path = dir.path + "/broken.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try runLogbook(["apply", path, "--data-dir", dir.path + "/data"])
        expectOneLineError(output, mentions: "broken.yaml:")
        #expect(output.stderr.contains(mention), "\(output.stderr)")
    }

    @Test(
        "an actor that is empty or holds control characters is refused",
        arguments: ["", " ", "\u{1B}[31mred", "two\nlines", "tab\there", String(repeating: "a", count: 201)])
    func badActor(actor: String) throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        #expect(try runLogbook(["apply", gateway, "--data-dir", data]).status == 0)
        let applied = try runLogbook(["apply", gateway, "--data-dir", data, "--actor", actor])
        let rolled = try runLogbook(["rollback", "3", "--reason", "x", "--data-dir", data, "--actor", actor])
        for output in [applied, rolled] { expectOneLineError(output, mentions: "--actor") }
        #expect(try eventCount(data) == 10)
    }

    @Test(
        "argument errors are one line and exit 1, like every other error",
        arguments: [
            ["diff"], ["events", "--limit", "x"], ["rollback", "99999999999999999999999", "--reason", "x"],
            ["state", "--version", "-1"], ["events", "--no-such-flag"], ["no-such-command"],
        ])
    func argumentErrors(arguments: [String]) throws {
        let output = try runLogbook(arguments)
        #expect(output.status == 1, "exit \(output.status): \(output.stderr)")
        #expect(output.stderr.split(separator: "\n").count == 1, "\(output.stderr)")
        #expect(output.stderr.hasPrefix("logbook: error: "))
    }

    @Test("printed text escapes control characters, so one record is one line")
    func escaping() {
        #expect(TextSafety.escaped("/api/\r\n2026-12-05 forged") == "/api/\\u{d}\\u{a}2026-12-05 forged")
        #expect(TextSafety.escaped("\u{1B}[2J") == "\\u{1b}[2J")
        #expect(TextSafety.escaped("\u{85}next") == "\\u{85}next")
        #expect(TextSafety.escaped("plain: ünïcode ✓") == "plain: ünïcode ✓")
    }
}

extension HostileFileTests {
    @Test("a key that is a list or a mapping is refused with its line, not skipped as a no-op")
    func complexKey() throws {
        let dir = try TemporaryDirectory()
        for (index, text) in ["? [a, b]\n: c\n", "services:\n  - name: a\n    ? {x: 1}\n    : y\n"].enumerated() {
            let path = dir.path + "/key-\(index).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let output = try runLogbook(["apply", path, "--data-dir", dir.path + "/data"])
            expectOneLineError(output, mentions: "a key must be a plain string")
        }
    }
}
