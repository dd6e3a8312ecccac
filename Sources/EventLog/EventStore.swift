import Foundation

/// An event to append; the log assigns its sequence number, time and hash.
public struct NewEvent: Sendable, Equatable {
    public var kind: EventKind
    public var type: String
    public var schemaVersion: UInt16
    public var entities: [String]
    public var payload: [UInt8]

    public init(kind: EventKind, type: String, schemaVersion: UInt16, entities: [String], payload: [UInt8]) {
        self.kind = kind
        self.type = type
        self.schemaVersion = schemaVersion
        self.entities = entities
        self.payload = payload
    }
}

/// A batch of events written atomically, with the checks that guard it.
public struct AppendRequest: Sendable {
    public var events: [NewEvent]
    public var actor: String
    public var requestID: String
    /// When set, the append fails with `.conflict` unless the log head equals it.
    public var expectedHead: UInt64?
    /// When set, a retry with the same key returns the first answer and writes nothing.
    public var idempotencyKey: String?
    /// A fingerprint of the request, so a key reused for a different request is refused.
    public var requestDigest: [UInt8]

    public init(
        events: [NewEvent], actor: String, requestID: String, expectedHead: UInt64? = nil,
        idempotencyKey: String? = nil, requestDigest: [UInt8] = []
    ) {
        self.events = events
        self.actor = actor
        self.requestID = requestID
        self.expectedHead = expectedHead
        self.idempotencyKey = idempotencyKey
        self.requestDigest = requestDigest
    }
}

/// What an append wrote: durable by the time the caller sees it.
public struct AppendResult: Sendable, Equatable {
    /// The sequence numbers written, or nil when the request held no events.
    public var sequences: ClosedRange<UInt64>?
    /// The head of the log right after this request's events.
    public var head: UInt64
    public var recordedAt: Int64
    /// True when an idempotency key matched an earlier request: nothing new was written.
    public var replayed: Bool

    public init(sequences: ClosedRange<UInt64>?, head: UInt64, recordedAt: Int64, replayed: Bool) {
        self.sequences = sequences
        self.head = head
        self.recordedAt = recordedAt
        self.replayed = replayed
    }
}

/// What an idempotency key answered the first time.
public struct IdempotencyRecord: Sendable, Equatable {
    public var sequences: ClosedRange<UInt64>?
    public var head: UInt64
    public var recordedAt: Int64
    public var requestDigest: [UInt8]

    public init(sequences: ClosedRange<UInt64>?, head: UInt64, recordedAt: Int64, requestDigest: [UInt8]) {
        self.sequences = sequences
        self.head = head
        self.recordedAt = recordedAt
        self.requestDigest = requestDigest
    }
}

/// A filtered read of the audit trail. Filters combine with AND.
public struct EventQuery: Sendable {
    /// Only events after this sequence number (forwards), or before it (backwards): the cursor.
    public var cursor: UInt64?
    public var descending = false
    /// Milliseconds since 1970, inclusive lower and exclusive upper bound.
    public var since: Int64?
    public var until: Int64?
    public var types: Set<String>?
    public var entity: String?
    public var actor: String?
    public var kinds: Set<EventKind>?
    public var limit = 100

    public init() {}
}

extension EventQuery {
    /// Whether `envelope` passes the cursor and every filter but the entity, which each store
    /// answers from its own index.
    func matches(_ envelope: Envelope) -> Bool {
        if let cursor {
            if descending ? envelope.sequence >= cursor : envelope.sequence <= cursor { return false }
        }
        if let since, envelope.recordedAt < since { return false }
        if let until, envelope.recordedAt >= until { return false }
        if let types, !types.contains(envelope.type) { return false }
        if let actor, envelope.actor != actor { return false }
        if let kinds, !kinds.contains(envelope.kind) { return false }
        return true
    }
}

/// One page of a query; `nextCursor` continues it, nil when it is exhausted.
public struct EventPage: Sendable {
    public var envelopes: [Envelope]
    public var nextCursor: UInt64?

    public init(envelopes: [Envelope], nextCursor: UInt64?) {
        self.envelopes = envelopes
        self.nextCursor = nextCursor
    }
}

/// The outcome of walking the chain.
public struct VerifyReport: Sendable, Equatable {
    /// Events whose checksum and chain link were checked and found good.
    public var checked: UInt64
    public var head: UInt64
    /// The first bad event, with what is wrong with it; nil when the whole log is good.
    public var firstBad: UInt64?
    public var problem: String?
    /// Filled by a repair: the sequence numbers dropped.
    public var dropped: ClosedRange<UInt64>?

    public init(
        checked: UInt64, head: UInt64, firstBad: UInt64? = nil, problem: String? = nil,
        dropped: ClosedRange<UInt64>? = nil
    ) {
        self.checked = checked
        self.head = head
        self.firstBad = firstBad
        self.problem = problem
        self.dropped = dropped
    }

    public var isValid: Bool { firstBad == nil }
}

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
