import EventLog
import Foundation
import Gateway
import LogbookCore
import Synchronization

/// A fresh directory under the system's temporary folder, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("logbook-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A clock the test moves by hand (milliseconds since 1970).
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64 = 1_800_000_000_000) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(by milliseconds: Int64) { value.withLock { $0 += milliseconds } }
}

func openLogbook(_ directory: String, clock: ManualClock? = nil, checkpointInterval: UInt64 = 1000) throws
    -> (LMDBEventStore, Logbook)
{
    var options = EventLogOptions()
    if let clock { options.clock = { clock.now } }
    let store = try LMDBEventStore(directory: directory, options: options)
    return (store, try Logbook(store: store, checkpointInterval: checkpointInterval))
}

func service(_ name: String, port: Int = 8001) -> Service {
    Service(name: name, endpoints: [Endpoint(host: "127.0.0.1", port: port)])
}

func route(_ name: String, to service: String, prefix: String? = nil) -> Route {
    Route(name: name, match: RouteMatch(prefix: prefix ?? "/\(name)/"), destination: .service(service))
}

/// The package root, found from this file's path, for the fixtures and the built `logbook`.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The `logbook` executable that `swift build` made beside the tests.
var logbookExecutable: String {
    if let path = ProcessInfo.processInfo.environment["LOGBOOK_BIN"] { return path }
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
        "logbook"
    ).path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return packageRoot.appendingPathComponent(".build/debug/logbook").path
}

struct CommandOutput {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `logbook` with `arguments` and waits for it.
func runLogbook(_ arguments: [String], directory: String? = nil) throws -> CommandOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: logbookExecutable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? packageRoot.path)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandOutput(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}
