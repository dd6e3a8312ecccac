import EventLog
import Foundation
import Gateway
import LogbookCore
import Logging

/// An open log and the Logbook over it, for one CLI command.
struct Session {
    let store: LMDBEventStore
    let logbook: Logbook

    /// Opens the log in `directory`. Commands that only read refuse a directory with no log,
    /// rather than creating an empty one by accident, and open it read-only: they work beside a
    /// running server (which holds the writer lock) and on a read-only mount.
    /// `logger` and `countFailure` (`serve` passes its own) report failures no command sees.
    static func open(
        _ directory: DataDirectory, create: Bool = false, options: EventLogOptions = EventLogOptions(),
        logger: Logger? = nil, countFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> Session {
        try open(
            directory.resolved, create: create, checkpointInterval: directory.checkpointInterval, options: options,
            logger: logger, countFailure: countFailure)
    }

    /// A command that only reads.
    static func read(_ directory: DataDirectory) throws -> Session {
        var options = EventLogOptions()
        options.readOnly = true
        return try open(directory, options: options)
    }

    static func open(
        _ path: String, create: Bool, checkpointInterval: UInt64, options: EventLogOptions, logger: Logger? = nil,
        countFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> Session {
        if !create && !FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw LogbookError(
                .notFound, field: "--data-dir",
                "no log in \(path) (run `logbook apply FILE` or `logbook import FILE` first, or pass --data-dir)")
        }
        let store: LMDBEventStore
        do {
            store = try LMDBEventStore(directory: path, options: options)
        } catch let error as EventLogError {
            throw LogbookError(error.code == .corrupt ? .corrupt : .storage, error.message)
        }
        let logbook =
            if let logger {
                try Logbook(
                    store: store, checkpointInterval: checkpointInterval, logger: logger, countFailure: countFailure)
            } else {
                try Logbook(store: store, checkpointInterval: checkpointInterval, countFailure: countFailure)
            }
        return Session(store: store, logbook: logbook)
    }

    func close() {
        store.close()
    }
}

/// Formatting shared by the commands that print events and versions.
enum Format {
    static func time(_ milliseconds: Int64) -> String {
        Timestamp.iso8601(milliseconds: milliseconds)
    }

    static func json(_ value: some Encodable) -> String {
        (try? CanonicalJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// One audit line as JSON: the `GET /events` item (`RecordedEvent.json()`).
    static func eventJSON(_ recorded: RecordedEvent) -> String {
        String(decoding: recorded.json(), as: UTF8.self)
    }
}

extension Route {
    /// `prefix /api/ -> rest-api`, for the state summary.
    var summaryLine: String {
        let match =
            match.prefix.map { "prefix \($0)" } ?? match.path.map { "path \($0)" } ?? match.regex.map { "regex \($0)" }
            ?? ""
        let target: String =
            switch destination {
            case .service(let name): name
            case .weighted(let split): split.map { "\($0.service) \($0.weight)%" }.joined(separator: ", ")
            }
        return "\(match) -> \(target)"
    }
}

extension Proxy {
    var portsLine: String {
        [
            ("host", host), ("http", httpPort.map(String.init)), ("grpc", grpcPort.map(String.init)),
            ("admin", adminPort.map(String.init)),
        ]
        .compactMap { label, value in value.map { "\(label) \($0)" } }
        .joined(separator: "  ")
    }
}
