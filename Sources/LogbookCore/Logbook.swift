import Broadcasting
import EventLog
import Foundation
import Gateway
import Logging
import Synchronization

/// The write side of Logbook: decide, append, project.
///
/// Commands are decided one at a time against the state that includes every event already
/// queued for the disk, so concurrent commands never validate against a stale state, yet they
/// share group commits. Each append carries the head it was decided at: if an earlier append
/// fails, the later ones fail too instead of landing on a state they were not checked against.
public actor Logbook {
    public nonisolated let store: any EventStore
    public nonisolated let projection: Projection
    public nonisolated let checkpointInterval: UInt64
    /// Where the log says what went wrong outside any request (a checkpoint that failed to save).
    public nonisolated let logger: Logger
    /// Counts a failure no caller sees, by kind (`checkpoint`, and `checkpoint_decode` from the
    /// projection): the server passes its metrics.
    nonisolated let countFailure: @Sendable (String) -> Void
    /// The state folded up to the durable head; updated on the writer's completion, in log order.
    private let durable: Mutex<GatewayState>
    /// The durable state plus everything queued: what the next command is decided against.
    private var pending: GatewayState
    /// Every token issued, through the durable head; read by authentication on every request.
    let durableTokens: Mutex<TokenRegistry>
    /// The durable tokens plus everything queued: what token commands are decided against.
    var pendingTokens: TokenRegistry
    /// Idempotency keys whose first request is still on its way to the disk.
    private var keysInFlight = Set<String>()
    /// What the observation events say about every node, up to the durable head; folded from
    /// the log on first use (a CLI command that never asks does not pay for it).
    let observed = Mutex<ProxyStatusBoard?>(nil)
    /// The consumers of `stateUpdates()`.
    let stateWatchers = Broadcast<GatewayState>()

    /// `logger` and `countFailure` report what fails in the background; by default nowhere, for
    /// the commands that run no server.
    public init(
        store: any EventStore, checkpointInterval: UInt64 = 1000,
        logger: Logger = Logger(label: "logbook", factory: { _ in SwiftLogNoOpLogHandler() }),
        countFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.store = store
        self.logger = logger
        self.countFailure = countFailure
        self.projection = Projection(store: store, logger: logger, countFailure: countFailure)
        self.checkpointInterval = max(checkpointInterval, 1)
        let state = try projection.state(at: store.head)
        self.durable = Mutex(state)
        self.pending = state
        let tokens = try Self.foldTokens(store: store)
        self.durableTokens = Mutex(tokens)
        self.pendingTokens = tokens
    }

    /// Writes the checkpoints a log lacks (an imported or generated log has none), one every
    /// `checkpointInterval` events from the newest one it has; returns how many were written.
    @discardableResult
    public func writeMissingCheckpoints() async throws -> Int {
        let head = store.head
        var state = try projection.nearestCheckpoint(atOrBefore: head)
        var written = 0
        while state.head + checkpointInterval <= head {
            state = try projection.fold(state, through: (state.head / checkpointInterval + 1) * checkpointInterval)
            try await store.saveCheckpoint(sequence: state.head, state: state.encoded())
            written += 1
        }
        return written
    }

    /// The state of every acknowledged event.
    public nonisolated var state: GatewayState { durable.withLock { $0 } }

    /// Decides `command` against the current state, appends its events durably, and answers
    /// with the new version. A refused command appends nothing.
    public func execute(_ command: GatewayCommand, context: RequestContext = RequestContext()) async throws
        -> CommandResult
    {
        if let key = context.idempotencyKey {
            if let earlier = try store.idempotencyRecord(for: key) {
                return try replay(earlier, key: key, context: context)
            }
            guard !keysInFlight.contains(key) else {
                throw LogbookError(
                    .conflict, field: "Idempotency-Key",
                    "a request with the key '\(key)' is still being written; retry to get its answer")
            }
        }
        if let expected = context.expectedVersion, expected != pending.version {
            throw LogbookError(
                .preconditionFailed, field: "If-Match",
                "the configuration is at version \(pending.version), not \(expected)")
        }
        let events: [GatewayEvent]
        do {
            events = try Decider.decide(command, state: pending)
        } catch {
            throw LogbookError(error)
        }
        return try await append(events, context: context)
    }

    /// The events `command` would append now, appending nothing: a dry run.
    public nonisolated func plan(_ command: GatewayCommand) throws -> [GatewayEvent] {
        do {
            return try Decider.decide(command, state: state)
        } catch {
            throw LogbookError(error)
        }
    }

    /// Appends ConfigRolledBack: services and routes return to what they were at `version`.
    public func rollback(to version: UInt64, reason: String, context: RequestContext = RequestContext()) async throws
        -> CommandResult
    {
        let target = try projection.state(at: min(version, store.head))
        return try await execute(.rollback(toVersion: version, reason: reason, target: target), context: context)
    }

    func append(_ events: [GatewayEvent], context: RequestContext) async throws -> CommandResult {
        let first = pending.head + 1
        let applied = events.enumerated().map { AppliedEvent(sequence: first + UInt64($0.offset), event: $0.element) }
        let request = AppendRequest(
            events: events.map { event in
                var new = EventCoding.newEvent(event)
                new.entities += context.requestEntities
                return new
            }, actor: context.actor, requestID: context.requestID,
            expectedHead: events.isEmpty ? nil : pending.head, idempotencyKey: context.idempotencyKey,
            requestDigest: context.requestDigest)
        for event in applied {
            pending.apply(event.event, seq: event.sequence)
            pendingTokens.apply(event.event, seq: event.sequence)
        }
        if let key = context.idempotencyKey { keysInFlight.insert(key) }
        defer { if let key = context.idempotencyKey { keysInFlight.remove(key) } }
        let outcome: AppendResult
        do {
            outcome = try await withCheckedThrowingContinuation { continuation in
                store.enqueue(request) { [self] result in
                    // The writer completes appends in log order, so the durable fold stays in order.
                    if case .success(let appended) = result, !appended.replayed, appended.sequences != nil {
                        let (old, new) = self.durable.withLock { state in
                            let (old, oldVersion) = (state.head, state.version)
                            for event in applied { state.apply(event.event, seq: event.sequence) }
                            // Under the lock, so a consumer that registers meanwhile never sees
                            // an older state after a newer one.
                            if state.version != oldVersion { self.stateWatchers.send(state) }
                            return (old, state)
                        }
                        self.durableTokens.withLock { tokens in
                            for event in applied { tokens.apply(event.event, seq: event.sequence) }
                        }
                        self.observed.withLock { board in
                            for event in applied {
                                board?.apply(event.event, seq: event.sequence, at: appended.recordedAt)
                            }
                        }
                        if new.head / self.checkpointInterval > old / self.checkpointInterval {
                            self.saveCheckpoint(new)
                        }
                    }
                    continuation.resume(with: result.mapError { $0 })
                }
            }
        } catch let error as EventLogError {
            // Everything queued after a failed append fails with it; start again from the disk.
            pending = durable.withLock { $0 }
            pendingTokens = durableTokens.withLock { $0 }
            throw LogbookError(error)
        }
        if outcome.replayed, let key = context.idempotencyKey {
            pending = durable.withLock { $0 }
            pendingTokens = durableTokens.withLock { $0 }
            let record = IdempotencyRecord(
                sequences: outcome.sequences, head: outcome.head, recordedAt: outcome.recordedAt,
                requestDigest: context.requestDigest)
            return try replay(record, key: key, context: context)
        }
        let version = applied.last(where: { $0.event.changesConfiguration })?.sequence
        return CommandResult(
            events: applied, version: version ?? durable.withLock { $0.version }, head: outcome.head, replayed: false)
    }

    /// The first answer to an idempotency key, rebuilt from the log.
    private func replay(_ record: IdempotencyRecord, key: String, context: RequestContext) throws -> CommandResult {
        guard record.requestDigest == context.requestDigest else {
            throw LogbookError(
                .idempotencyMismatch, field: "Idempotency-Key",
                "the key '\(key)' was already used for a different request")
        }
        var events = [AppliedEvent]()
        if let sequences = record.sequences {
            for sequence in sequences {
                guard let envelope = try store.envelope(at: sequence) else { continue }
                events.append(AppliedEvent(sequence: sequence, event: try EventCoding.event(of: envelope)))
            }
        }
        let version = try projection.state(at: record.head).version
        return CommandResult(events: events, version: version, head: record.head, replayed: true)
    }

    deinit {
        stateWatchers.finishAll()
    }

    /// The durable state now, then again after every append that changes the configuration
    /// version. A slow consumer skips to the newest: the stream buffers one state.
    public nonisolated func stateUpdates() -> AsyncStream<GatewayState> {
        durable.withLock { state in stateWatchers.stream(bufferingNewest: 1, first: state) }
    }

    private nonisolated func saveCheckpoint(_ state: GatewayState) {
        let (store, logger, countFailure) = (self.store, self.logger, self.countFailure)
        Task.detached(priority: .background) {
            do {
                try await store.saveCheckpoint(sequence: state.head, state: state.encoded())
            } catch {
                // The log is intact; state-at-version queries fold from an older checkpoint.
                logger.error(
                    "could not save the checkpoint at \(state.head)",
                    metadata: ["checkpoint.sequence": "\(state.head)", "error": "\(error)"])
                countFailure("checkpoint")
            }
        }
    }
}
