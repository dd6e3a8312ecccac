import ArgumentParser
import Foundation
import LogbookCore

@main
struct LogbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logbook",
        abstract: "An Envoy control plane whose source of truth is an append-only event log.",
        subcommands: [
            Apply.self, Events.self, State.self, Versions.self, Diff.self, Rollback.self, Verify.self,
            Export.self, Import.self, Backup.self, AppendLoop.self, Serve.self, Up.self, Replay.self,
        ])
}

/// `--data-dir` and `--checkpoint-interval`, shared by every command.
struct DataDirectory: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: "The log's directory (default: $LOGBOOK_DATA_DIR, else .logbook/data).")
    var path: String?

    @Option(help: "Write a state checkpoint every this many events.")
    var checkpointInterval: UInt64 = 1000

    func validate() throws {
        if checkpointInterval == 0 { throw ValidationError("--checkpoint-interval must be at least 1") }
    }

    var resolved: String {
        path ?? ProcessInfo.processInfo.environment["LOGBOOK_DATA_DIR"] ?? ".logbook/data"
    }
}

/// Runs a command body and turns every error into one line on stderr and exit code 1:
/// bad input never shows a stack trace.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as LogbookError {
        FileHandle.standardError.write(Data("logbook: error: \(error.description)\n".utf8))
        throw ExitCode.failure
    } catch {
        FileHandle.standardError.write(Data("logbook: error: \(CLIErrors.describe(error))\n".utf8))
        throw ExitCode.failure
    }
}

/// Writes to stdout, line by line, without Swift's print buffering surprises on pipes.
struct Output {
    private var buffer = Data()

    mutating func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
