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
            PKICommand.self, TokensCommand.self,
        ])

    /// ArgumentParser's own main, except that a bad argument is one line on stderr and exit 1,
    /// like every other error, instead of a screen of usage and exit 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let message = TextSafety.escaped(
                Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments")
            FileHandle.standardError.write(
                Data(
                    "logbook: error: \(message) (see `logbook help \(Self.subcommand(in: CommandLine.arguments))`)\n"
                        .utf8))
            exit(withError: ExitCode.failure)
        }
    }

    /// The subcommand a command line names, for the help hint; empty for the root.
    private static func subcommand(in arguments: [String]) -> String {
        let names = Set(configuration.subcommands.map { $0._commandName })
        return arguments.dropFirst().first(where: names.contains) ?? ""
    }
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
        FileHandle.standardError.write(Data("logbook: error: \(TextSafety.escaped(error.description))\n".utf8))
        throw ExitCode.failure
    } catch {
        FileHandle.standardError.write(Data("logbook: error: \(TextSafety.escaped(CLIErrors.describe(error)))\n".utf8))
        throw ExitCode.failure
    }
}

/// Writes to stdout, line by line, without Swift's print buffering surprises on pipes. Control
/// characters in what a line holds (an actor, a route prefix) are escaped: one record, one line.
struct Output {
    private var buffer = Data()

    mutating func line(_ text: String) {
        buffer.append(contentsOf: TextSafety.escaped(text).utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
