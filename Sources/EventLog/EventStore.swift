import Foundation

/// The read side of the log: everything a projection, a query or a follower needs.
public protocol EventStoreReader: AnyObject, Sendable {
    /// The sequence number of the last durable event (0 for an empty log).
    var head: UInt64 { get }

    func envelope(at sequence: UInt64) throws -> Envelope?
    /// One page of `query`, walked in its direction; `nextCursor` is the last sequence of a
    /// full page, nil when the page is not full.
    func envelopes(_ query: EventQuery) throws -> EventPage
    /// Calls `body` for each stored envelope in (after, through], in place, in one read.
    func scan(after: UInt64, through: UInt64, _ body: (EnvelopeView) throws -> Void) throws
    /// The last sequence recorded at or before `time` (ms), or 0.
    func sequence(atOrBefore time: Int64) throws -> UInt64
    /// What an idempotency key answered the first time, if it was used.
    func idempotencyRecord(for key: String) throws -> IdempotencyRecord?
    /// The newest checkpoint at or before `sequence`.
    func checkpoint(atOrBefore sequence: UInt64) throws -> (sequence: UInt64, state: [UInt8])?

    /// Catches up from `after`, then follows live appends until cancelled or the store closes.
    func subscribe(after: UInt64) -> AsyncThrowingStream<Envelope, any Error>
}

/// The write side of the log. One store has one writer: appends are applied and completed in
/// the order they were enqueued.
public protocol EventStoreWriter: AnyObject, Sendable {
    /// Why the latest write failed; nil once a write succeeds again (and before any fails).
    /// Readiness reports it.
    var lastWriteFailure: EventLogError? { get }

    /// Queues an append in call order; `completion` runs once it is durable or has failed, and
    /// completions run in the order the appends were queued.
    func enqueue(
        _ request: AppendRequest, completion: @escaping @Sendable (Result<AppendResult, EventLogError>) -> Void)

    /// Stores a projection checkpoint; ordered after the appends queued before it.
    func saveCheckpoint(sequence: UInt64, state: [UInt8]) async throws
}

extension EventStoreWriter {
    /// Appends atomically and returns once the events are durable.
    public func append(_ request: AppendRequest) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(request) { continuation.resume(with: $0) }
        }
    }
}

/// The seam between the log and everything above it: no storage type crosses it, so another
/// backend (a shared PostgreSQL log) can take LMDB's place. `LMDBEventStore` is the durable
/// implementation, `InMemoryEventStore` the one without a disk; both pass the same
/// conformance suite (`EventStoreConformanceTests`). Operations on a whole log (verify, repair,
/// export, import, backup) belong to each implementation, not to the seam.
public protocol EventStore: EventStoreReader, EventStoreWriter {}
