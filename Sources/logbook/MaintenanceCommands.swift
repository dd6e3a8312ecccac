import ArgumentParser
import EventLog
import Foundation
import LogbookCore

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the hash chain and every checksum; with --repair, truncate a damaged tail.")

    @OptionGroup var dataDir: DataDirectory
    @Flag(help: "Drop every event from the first bad one on, and report what was dropped.") var repair = false

    func run() async throws {
        try await reportingErrors {
            var options = EventLogOptions()
            options.refuseCorruptTail = false
            // Only a repair writes; a plain verify runs beside a server and on a read-only mount.
            options.readOnly = !repair
            let store: LMDBEventStore
            let path = dataDir.resolved
            guard FileManager.default.fileExists(atPath: path + "/data.mdb") else {
                throw LogbookError(.notFound, field: "--data-dir", "no log in \(path)")
            }
            store = try LMDBEventStore(directory: path, options: options)
            defer { store.close() }
            var out = Output()
            defer { out.flush() }
            let report = repair ? try store.repair() : try store.verify()
            if let dropped = report.dropped {
                out.line(
                    "repaired: dropped events \(dropped.lowerBound)...\(dropped.upperBound) "
                        + "(\(dropped.count) event(s)): \(report.problem ?? "")")
                out.line("the log now ends at event \(report.head); run `logbook verify` to confirm")
                return
            }
            if let bad = report.firstBad {
                out.flush()
                throw LogbookError(
                    .corrupt,
                    "event \(bad) is bad: \(report.problem ?? "unknown problem"). \(report.checked) event(s) before it "
                        + "are good. `logbook verify --repair` truncates the log to event \(bad - 1), dropping "
                        + "\(report.head >= bad ? report.head - bad + 1 : 1) event(s).")
            }
            out.line("ok: \(report.checked) event(s), every checksum and chain link intact (head \(report.head))")
        }
    }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the log as JSON Lines, one envelope a line.")

    @OptionGroup var dataDir: DataDirectory
    @Option(help: "First sequence number.") var from: UInt64 = 1
    @Option(help: "Last sequence number (default: the head).") var to: UInt64?

    func run() async throws {
        try await reportingErrors {
            let session = try Session.read(dataDir)
            defer { session.close() }
            var out = Output()
            try session.store.export(from: from, through: to) { out.line($0) }
            out.flush()
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append an exported JSON Lines log, checking every checksum and chain link first.")

    @OptionGroup var dataDir: DataDirectory
    @Argument(help: "The .jsonl file.") var file: String

    func run() async throws {
        try await reportingErrors {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw LogbookError(.badInput, field: "file", "cannot read \(file): no such file or not readable")
            }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let session = try Session.open(dataDir, create: true)
            defer { session.close() }
            let count = try session.store.importLines(lines.lazy.map(String.init)) { envelope in
                if envelope.kind == .configuration { _ = try RecordedEvent(envelope) }
            }
            try await session.logbook.writeMissingCheckpoints()
            print("imported \(count) event(s); the log ends at event \(session.store.head)")
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the live log, compacted, into an empty directory (mdb_env_copy2).")

    @OptionGroup var dataDir: DataDirectory
    @Argument(help: "The backup directory (created if missing; must be empty).") var directory: String

    func run() async throws {
        try await reportingErrors {
            let session = try Session.read(dataDir)
            defer { session.close() }
            try session.store.backup(to: directory)
            print("backed up \(session.store.head) event(s) to \(directory)")
        }
    }
}

/// For the crash test: appends in a loop and prints each durable sequence number, until killed.
struct AppendLoop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append-loop", abstract: "Append test events forever, printing each durable sequence.",
        shouldDisplay: false)

    @OptionGroup var dataDir: DataDirectory
    @Option(help: "Concurrent appenders.") var writers = 4

    func run() async throws {
        try await reportingErrors {
            let session = try Session.open(dataDir, create: true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var index = 0
                        while true {
                            index += 1
                            let event = NewEvent(
                                kind: .observation, type: "CrashProbe", schemaVersion: 1,
                                entities: ["probe/\(writer)"], payload: Array("writer \(writer) #\(index)".utf8))
                            let result = try await session.store.append(
                                AppendRequest(events: [event], actor: "append-loop", requestID: "\(writer)-\(index)"))
                            FileHandle.standardOutput.write(Data("\(result.sequences!.lowerBound)\n".utf8))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
