import Foundation

/// The repository root, found from this file's place in the tree (Tests/TestSupport/).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The `logbook` executable the tests run: `LOGBOOK_BIN`; else `debug/logbook` in `SCRATCH_PATH`
/// (relative to the repository root unless absolute); else the one `swift build` made beside
/// the tests; else the repository's `.build/debug/logbook`.
public var logbookExecutable: String {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["LOGBOOK_BIN"] { return path }
    if let scratch = environment["SCRATCH_PATH"] {
        return URL(fileURLWithPath: scratch, relativeTo: repositoryRoot).appendingPathComponent("debug/logbook").path
    }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("logbook").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repositoryRoot.appendingPathComponent(".build/debug/logbook").path
}

/// What a finished process printed, and how it ended.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `executable` with `arguments` in `directory` (by default the repository root) and waits for it.
public func runProcess(_ executable: String, _ arguments: [String], directory: String? = nil) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot.path)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `logbook` with `arguments` and waits for it.
public func runLogbook(_ arguments: [String], directory: String? = nil) throws -> ProcessOutput {
    try runProcess(logbookExecutable, arguments, directory: directory)
}

/// Runs `executable` to its end (at most 30 s, then SIGKILL), polling instead of blocking a
/// thread, and answers what it printed.
public func runToEnd(_ executable: String, _ arguments: [String]) async throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let deadline = ContinuousClock.now + .seconds(30)
    while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus,
        stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
        stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
}

/// A child process the test started, its output in a log file; stopped by its pid, never by name.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    public let logPath: String

    public init(executable: String, arguments: [String], logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// `signal` (SIGTERM: a graceful stop), then SIGKILL after `grace`.
    public func stop(signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        // Bounded: a test must never hang on a child that Foundation has not seen exit.
        let killed = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < killed { try? await Task.sleep(for: .milliseconds(20)) }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
