import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

extension TemporaryDirectory {
    func file(_ name: String) -> String { path + "/" + name }

    /// The names in the directory, sorted, hidden ones included.
    func listing(_ sub: String? = nil) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sub.map { path + "/" + $0 } ?? path)) ?? []).sorted()
    }
}

struct CommandOutput {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut = false
}

struct ProcessTimeout: Error, CustomStringConvertible {
    let command: String
    var description: String { "\(command) did not finish in time" }
}

/// Runs a program with `input` on stdin and waits at most `timeout` seconds; past that the
/// child (by its pid, never by name) is killed and the output so far is returned with `timedOut`.
func run(
    _ executable: String, _ arguments: [String], input: String = "", directory: String? = nil,
    environment: [String: String]? = nil, timeout: TimeInterval = 30
) throws -> CommandOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = environment }
    let stdin = Pipe()
    let out = Pipe()
    let err = Pipe()
    process.standardInput = stdin
    process.standardOutput = out
    process.standardError = err
    // Read both pipes while the child runs so neither fills up and blocks it.
    let collected = Collected()
    let group = DispatchGroup()
    for (pipe, isOut) in [(out, true), (err, false)] {
        group.enter()
        DispatchQueue.global().async {
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            collected.set(data, stdout: isOut)
            group.leave()
        }
    }
    // A child that exits before reading its input must not kill the test process with SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try process.run()
    try? stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    var timedOut = false
    if process.isRunning {
        timedOut = true
        kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    _ = group.wait(timeout: .now() + 5)
    let (stdout, stderr) = collected.value
    return CommandOutput(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self), timedOut: timedOut)
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    func set(_ data: Data, stdout: Bool) { lock.withLock { if stdout { out = data } else { err = data } } }
    var value: (Data, Data) { lock.withLock { (out, err) } }
}

/// Runs `logbook` with `arguments`; `LOGBOOK_PKI_DIR` is unset unless given.
func runPKICommand(_ arguments: [String], pkiDirectory: String? = nil, directory: String? = nil) throws -> CommandOutput {
    var environment = ProcessInfo.processInfo.environment
    environment["LOGBOOK_PKI_DIR"] = pkiDirectory
    return try run(logbookExecutable, arguments, directory: directory, environment: environment)
}

let opensslPath = "/usr/bin/openssl"

func openssl(_ arguments: [String], input: String = "", timeout: TimeInterval = 20) throws -> CommandOutput {
    try run(opensslPath, arguments, input: input, timeout: timeout)
}

/// The permission bits of a file.
func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
