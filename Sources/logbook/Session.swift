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
