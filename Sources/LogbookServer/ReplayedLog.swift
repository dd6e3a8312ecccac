import EventLog
import Foundation
import Gateway
import LogbookCore
import XDS

/// An exported log imported into a scratch directory, ready to serve any of its versions:
/// `logbook replay`, and the same for tests in process.
public final class ReplayedLog: Sendable {
    public let directory: String
    public let store: LMDBEventStore
    public let logbook: Logbook
    /// How many events the file held.
    public let imported: UInt64

    /// Imports `file` (JSON Lines from `logbook export`) into `directory`, which must hold no log,
    /// checking every checksum, chain link and payload on the way.
    public init(file: String, directory: String) async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw LogbookError(.badInput, field: "file", "cannot read \(file): no such file or not readable")
        }
        if FileManager.default.fileExists(atPath: directory + "/data.mdb") {
            throw LogbookError(.conflict, field: "--into", "\(directory) already holds a log; replay needs an empty directory")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try LMDBEventStore(directory: directory)
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        do {
            imported = try store.importLines(lines.lazy.map(String.init)) { envelope in
                if envelope.kind == .configuration { _ = try RecordedEvent(envelope) }
            }
        } catch {
            store.close()
            throw error
        }
        let logbook = try Logbook(store: store)
        try await logbook.writeMissingCheckpoints()
        self.directory = directory
        self.store = store
        self.logbook = logbook
    }

    /// The configuration version in force at `version` (the head when nil); an error names a version the log lacks.
    public func resolve(_ version: UInt64?) throws -> UInt64 {
        let head = store.head
        guard let version else { return logbook.state.version }
        guard version >= 1, version <= head else {
            throw LogbookError(.notFound, field: "--version", "the log has events 1...\(head); there is no version \(version)")
        }
        return try logbook.projection.state(at: version).version
    }

    /// A snapshot store frozen at `version`: what every node got then, byte for byte.
    public func snapshotStore(at version: UInt64, hook: TranslationHook = TranslationHook()) throws -> SnapshotStore {
        let projection = logbook.projection
        return SnapshotStore(state: try projection.state(at: version), hook: hook) { try projection.state(at: $0) }
    }

    public func close() { store.close() }
}
