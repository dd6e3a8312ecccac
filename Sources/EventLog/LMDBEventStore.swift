import Foundation
import LMDB
import Synchronization

/// The append-only event log on LMDB: `events` (sequence -> envelope, written with
/// MDB_APPEND), `by_time`, `by_entity`, `checkpoints`, `idempotency` and `meta`.
public final class LMDBEventStore: EventStore {
    static let formatVersion: UInt8 = 1

    public let directory: String
    let environment: Environment
    let tables: Tables
    let options: EventLogOptions
    let chain: Mutex<ChainHead>
    let subscribers = SubscriberRegistry()
    let writer: LogWriter
    let writeFailure = Mutex<(error: EventLogError, diskFull: Bool)?>(nil)
    /// Held for the store's life unless it is read-only.
    private let writerLock: WriterLock?

    /// Opens or creates the log in `directory`. A corrupt tail is refused unless the options say
    /// otherwise, with a message that names the event and how to recover.
    public init(directory: String, options: EventLogOptions = EventLogOptions()) throws {
        self.directory = directory
        self.options = options
        if !options.readOnly {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw EventLogError(
                    .storage, "cannot create the data directory \(directory): \(error.localizedDescription)")
            }
        }
        // Before LMDB opens: a second writer must not even read a head it could append behind.
        writerLock = options.readOnly ? nil : try WriterLock(directory: directory)
        var environmentOptions = EnvironmentOptions()
        environmentOptions.mapSize = options.initialMapSize
        environmentOptions.maxDatabases = 8
        if options.readOnly { environmentOptions.flags.insert(.readOnly) }
        let databaseFlags: DatabaseFlags = options.readOnly ? [] : [.create]
        do {
            environment = try Environment(path: directory, options: environmentOptions)
            tables = Tables(
                events: try environment.openDatabase("events", flags: databaseFlags),
                byTime: try environment.openDatabase("by_time", flags: databaseFlags),
                byEntity: try environment.openDatabase("by_entity", flags: databaseFlags),
                checkpoints: try environment.openDatabase("checkpoints", flags: databaseFlags),
                idempotency: try environment.openDatabase("idempotency", flags: databaseFlags),
                meta: try environment.openDatabase("meta", flags: databaseFlags))
        } catch let error as LMDBError {
            throw EventLogError(
                .storage, "cannot open the log in \(directory): \(StorageTrouble.describe(error, directory: directory))"
            )
        }
        chain = Mutex(ChainHead())
        if !options.readOnly { try Self.prepareMeta(environment, tables) }
        let head = try Self.loadHead(environment, tables, options: options)
        chain.withLock { $0 = head }
        writer = LogWriter(maxBatch: options.maxBatch)
        // Weak: queued work must not keep a store alive, nor touch one that is going away.
        writer.start(
            process: { [weak self] batch in
                guard let self else {
                    for job in batch { job.fail(EventLogError(.closed, "the event log is closed")) }
                    return
                }
                self.commit(batch)
            },
            idle: { [environment] in _ = try? environment.checkStaleReaders() })
    }

    deinit {
        writer.close()
    }

    /// Finishes queued writes and stops the writer thread. Later appends fail with `.closed`.
    public func close() {
        writer.close()
        writerLock?.release()
        subscribers.finishAll()
    }

    public var head: UInt64 { chain.withLock { $0.sequence } }

    /// A failure blamed on a full disk lapses once space is back, so readiness recovers even
    /// when no write comes to prove it.
    public var lastWriteFailure: EventLogError? {
        guard !options.readOnly else { return Self.readOnlyError }
        guard let failure = writeFailure.withLock({ $0 }) else { return nil }
        if failure.diskFull && !StorageTrouble.isNearlyFull(directory) { return nil }
        return failure.error
    }

    /// A random id given to the log when it was created, kept in `meta`.
    public var logID: String {
        (try? environment.read { txn in try txn.get(tables.meta, key: Array("log_id".utf8)) })
            .flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    // MARK: Appending

    public func enqueue(
        _ request: AppendRequest, completion: @escaping @Sendable (Result<AppendResult, EventLogError>) -> Void
    ) {
        guard !options.readOnly else { return completion(.failure(Self.readOnlyError)) }
        writer.submit(.append(request, completion))
    }

    static let readOnlyError = EventLogError(.readOnly, "the log was opened read-only")

    public func saveCheckpoint(sequence: UInt64, state: [UInt8]) async throws {
        guard !options.readOnly else { throw Self.readOnlyError }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            writer.submit(.checkpoint(sequence, state) { continuation.resume(with: $0.mapError { $0 }) })
        }
    }

    /// Runs a whole-log write on the writer thread and waits for it.
    func maintain(_ body: @escaping @Sendable (WriteTransaction) throws -> Void) throws {
        guard !options.readOnly else { throw Self.readOnlyError }
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Void, EventLogError>>(.success(()))
        writer.submit(
            .maintenance(body) { result in
                outcome.withLock { $0 = result }
                done.signal()
            })
        done.wait()
        try outcome.withLock { $0 }.get()
    }

    /// One group commit: every append and checkpoint of the batch in one durable transaction.
    private func commit(_ batch: [WriteJob]) {
        if batch.count == 1, case .maintenance(let body, let done) = batch[0] {
            done(runMaintenance(body))
            return
        }
        let start = chain.withLock { $0 }
        let now = max(options.clock(), start.recordedAt)
        do {
            let (outcomes, newHead) = try environment.write { txn in
                try writeBatch(batch, in: txn, from: start, now: now)
            }
            chain.withLock { $0 = newHead }
            writeFailure.withLock { $0 = nil }
            if newHead.sequence != start.sequence { notifySubscribers(head: newHead.sequence) }
            for (job, outcome) in zip(batch, outcomes) {
                switch job {
                case .append(_, let done): done(outcome)
                case .checkpoint(_, _, let done): done(outcome.map { _ in () })
                case .maintenance: break
                }
            }
        } catch {
            let failure = EventLogError(
                .storage, "the write transaction failed: \(StorageTrouble.describe(error, directory: directory))")
            let diskFull = StorageTrouble.isDiskFull(error, directory: directory)
            writeFailure.withLock { $0 = (failure, diskFull) }
            for job in batch { job.fail(failure) }
        }
    }

    /// Runs inside the write transaction; touches nothing outside it, because LMDB may run it
    /// again after growing the map.
    private func writeBatch(
        _ batch: [WriteJob], in txn: WriteTransaction, from start: ChainHead, now: Int64
    ) throws -> ([Result<AppendResult, EventLogError>], ChainHead) {
        var head = start
        var outcomes = [Result<AppendResult, EventLogError>]()
        outcomes.reserveCapacity(batch.count)
        var keysInBatch = [String: IdempotencyRecord]()
        for job in batch {
            switch job {
            case .append(let request, _):
                outcomes.append(
                    try appendOne(request, in: txn, head: &head, now: now, keysInBatch: &keysInBatch))
            case .checkpoint(let sequence, let state, _):
                try txn.put(tables.checkpoints, key: StorageKeys.sequence(sequence), value: state)
                outcomes.append(
                    .success(AppendResult(sequences: nil, head: head.sequence, recordedAt: now, replayed: false)))
            case .maintenance:
                outcomes.append(.failure(EventLogError(.storage, "maintenance job in an append batch")))
            }
        }
        return (outcomes, head)
    }

    private func appendOne(
        _ request: AppendRequest, in txn: WriteTransaction, head: inout ChainHead, now: Int64,
        keysInBatch: inout [String: IdempotencyRecord]
    ) throws -> Result<AppendResult, EventLogError> {
        if let key = request.idempotencyKey {
            let earlier =
                try keysInBatch[key]
                ?? txn.withValue(tables.idempotency, key: Array(key.utf8)) { bytes in
                    try bytes.map { try IdempotencyValue.decode($0) }
                }
            if let earlier {
                guard earlier.requestDigest == request.requestDigest else {
                    return .failure(
                        EventLogError(
                            .idempotencyMismatch,
                            "idempotency key '\(key)' was already used for a different request"))
                }
                return .success(
                    AppendResult(
                        sequences: earlier.sequences, head: earlier.head, recordedAt: earlier.recordedAt, replayed: true
                    ))
            }
        }
        if let expected = request.expectedHead, expected != head.sequence {
            return .failure(
                EventLogError(
                    .conflict, "the log moved: expected head \(expected), found \(head.sequence)", head: head.sequence))
        }
        // Encode the whole request before writing any of it, so a bad event fails only its request.
        var next = head
        var encoded = [(sequence: UInt64, bytes: [UInt8], entities: [String])]()
        encoded.reserveCapacity(request.events.count)
        for event in request.events {
            next.sequence += 1
            let envelope = Envelope(
                sequence: next.sequence, recordedAt: now, kind: event.kind, type: event.type,
                schemaVersion: event.schemaVersion, actor: request.actor, requestID: request.requestID,
                entities: event.entities, payload: event.payload, previousHash: next.hash)
            do {
                let (bytes, hash) = try EnvelopeFormat.encode(envelope)
                encoded.append((next.sequence, bytes, event.entities))
                next.hash = hash
            } catch {
                return .failure(error)
            }
        }
        next.recordedAt = request.events.isEmpty ? head.recordedAt : now
        for item in encoded {
            try txn.put(tables.events, key: StorageKeys.sequence(item.sequence), value: item.bytes, flags: .append)
            try txn.put(tables.byTime, key: StorageKeys.time(now, item.sequence), value: [UInt8](), flags: .append)
            for entity in item.entities {
                try txn.put(tables.byEntity, key: StorageKeys.entity(entity, item.sequence), value: [UInt8]())
            }
        }
        let sequences = encoded.isEmpty ? nil : encoded[0].sequence...encoded[encoded.count - 1].sequence
        head = next
        if let key = request.idempotencyKey {
            let record = IdempotencyRecord(
                sequences: sequences, head: next.sequence, recordedAt: now, requestDigest: request.requestDigest)
            try txn.put(tables.idempotency, key: Array(key.utf8), value: IdempotencyValue.encode(record))
            keysInBatch[key] = record
        }
        return .success(AppendResult(sequences: sequences, head: next.sequence, recordedAt: now, replayed: false))
    }

    private func runMaintenance(_ body: (WriteTransaction) throws -> Void) -> Result<Void, EventLogError> {
        do {
            try environment.write { txn in try body(txn) }
            let head = try Self.loadHead(environment, tables, options: options, checkTail: false)
            chain.withLock { $0 = head }
            notifySubscribers(head: head.sequence)
            return .success(())
        } catch let error as EventLogError {
            return .failure(error)
        } catch {
            return .failure(EventLogError(.storage, "\(error)"))
        }
    }

    // MARK: Opening

    private static func prepareMeta(_ environment: Environment, _ tables: Tables) throws {
        try environment.write { txn in
            let formatKey = Array("format".utf8)
            if let format = try txn.get(tables.meta, key: formatKey) {
                guard format == [formatVersion] else {
                    throw EventLogError(
                        .corrupt, "the log's format \(format.first ?? 0) is not the supported format \(formatVersion)")
                }
                return
            }
            try txn.put(tables.meta, key: formatKey, value: [formatVersion])
            try txn.put(tables.meta, key: Array("log_id".utf8), value: Array(UUID().uuidString.lowercased().utf8))
        }
    }

    /// Reads the last event and checks the tail of the chain behind it.
    static func loadHead(
        _ environment: Environment, _ tables: Tables, options: EventLogOptions, checkTail: Bool = true
    ) throws -> ChainHead {
        try environment.read { txn in
            try txn.withCursor(tables.events) { cursor in
                guard let last = try cursor.last() else { return ChainHead() }
                let lastSequence = StorageKeys.trailingSequence(last.key)
                guard checkTail && options.refuseCorruptTail else {
                    guard let envelope = try? EnvelopeFormat.decode(last.value) else {
                        return ChainHead(sequence: lastSequence, hash: Envelope.genesisHash, recordedAt: 0)
                    }
                    return ChainHead(sequence: lastSequence, hash: envelope.hash, recordedAt: envelope.recordedAt)
                }
                // Walk back over the tail, then check it forwards.
                var count = 1
                while count < options.tailCheckCount, try cursor.previous() != nil { count += 1 }
                var entry = try cursor.current()
                var previous: Envelope?
                while let current = entry {
                    let sequence = StorageKeys.trailingSequence(current.key)
                    let envelope: Envelope
                    do {
                        envelope = try Chain.check(current, after: previous)
                    } catch let error as EventLogError {
                        throw EventLogError(
                            .corrupt,
                            "the log in \(environment.path) is damaged at event \(sequence) of \(lastSequence): "
                                + "\(error.message). Logbook will not serve it. Run `logbook verify` to see the "
                                + "damage, or `logbook verify --repair` to truncate the log to event \(sequence - 1), "
                                + "dropping \(lastSequence - sequence + 1) event(s).",
                            sequence: sequence)
                    }
                    previous = envelope
                    entry = try cursor.next()
                }
                return ChainHead(sequence: lastSequence, hash: previous!.hash, recordedAt: previous!.recordedAt)
            }
        }
    }
}
