import Synchronization

/// The event log without a disk, for tests and tools that do not need durability. It keeps the
/// LMDB store's semantics: gapless sequences, the same envelope bytes and hash chain,
/// recorded-at never decreasing, expected-head and idempotency checks, the same reads, and
/// completions in append order. Nothing survives the process.
public final class InMemoryEventStore: EventStore {
    /// One stored event: its encoded bytes (what `scan` hands out) and the envelope they decode to.
    private struct Stored {
        var envelope: Envelope
        var bytes: [UInt8]
    }

    private typealias Completion = @Sendable (Result<AppendResult, EventLogError>) -> Void

    private struct State {
        /// Event `n` is at index `n - 1`.
        var events: [Stored] = []
        var chain = ChainHead()
        var checkpoints: [UInt64: [UInt8]] = [:]
        var idempotency: [String: IdempotencyRecord] = [:]
        var closed = false
        /// Set by `failWrites(with:)`: every write fails with it.
        var injectedFailure: EventLogError?
        var lastWriteFailure: EventLogError?
        /// Outcomes not yet handed to their completions, in append order.
        var outbox: [(Completion, Result<AppendResult, EventLogError>)] = []
        /// True while some thread hands out the outbox; it alone calls completions.
        var delivering = false
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Int64
    private let subscribers = SubscriberRegistry()

    /// `clock` gives milliseconds since 1970, like `EventLogOptions.clock`; tests pass their own.
    public init(clock: @escaping @Sendable () -> Int64 = EventLogOptions().clock) {
        self.clock = clock
    }

    /// Later writes fail with `.closed`; subscriptions end once they have caught up. Reads go on.
    public func close() {
        state.withLock { $0.closed = true }
        subscribers.finishAll()
    }

    public var head: UInt64 { state.withLock { $0.chain.sequence } }

    public var lastWriteFailure: EventLogError? { state.withLock { $0.lastWriteFailure } }

    /// Makes every later write fail with `error` (nil: succeed again), as a full disk would, so
    /// readiness and error paths can be tested. `lastWriteFailure` clears on the next good write.
    public func failWrites(with error: EventLogError?) {
        state.withLock { $0.injectedFailure = error }
    }

    // MARK: Writing

    public func enqueue(
        _ request: AppendRequest, completion: @escaping @Sendable (Result<AppendResult, EventLogError>) -> Void
    ) {
        let (deliver, oldHead, newHead) = state.withLock { state in
            let oldHead = state.chain.sequence
            let outcome = Self.write(request, into: &state, now: clock())
            state.outbox.append((completion, outcome))
            let deliver = !state.delivering
            state.delivering = true
            return (deliver, oldHead, state.chain.sequence)
        }
        if newHead != oldHead { subscribers.notify(head: newHead) }
        if deliver { deliverOutbox() }
    }

    /// Hands out queued outcomes in order, outside the lock, until none is left. A completion
    /// that appends again only queues its outcome: this loop delivers it after the current one.
    private func deliverOutbox() {
        while true {
            let next = state.withLock { state -> (Completion, Result<AppendResult, EventLogError>)? in
                guard !state.outbox.isEmpty else {
                    state.delivering = false
                    return nil
                }
                return state.outbox.removeFirst()
            }
            guard let (completion, outcome) = next else { return }
            completion(outcome)
        }
    }

    private static func write(_ request: AppendRequest, into state: inout State, now clockNow: Int64)
        -> Result<AppendResult, EventLogError>
    {
        if state.closed { return .failure(EventLogError(.closed, "the event log is closed")) }
        if let failure = state.injectedFailure {
            state.lastWriteFailure = failure
            return .failure(failure)
        }
        state.lastWriteFailure = nil
        let now = max(clockNow, state.chain.recordedAt)
        if let key = request.idempotencyKey, let earlier = state.idempotency[key] {
            guard earlier.requestDigest == request.requestDigest else {
                return .failure(
                    EventLogError(
                        .idempotencyMismatch, "idempotency key '\(key)' was already used for a different request"))
            }
            return .success(
                AppendResult(
                    sequences: earlier.sequences, head: earlier.head, recordedAt: earlier.recordedAt, replayed: true))
        }
        let head = state.chain
        if let expected = request.expectedHead, expected != head.sequence {
            return .failure(
                EventLogError(
                    .conflict, "the log moved: expected head \(expected), found \(head.sequence)", head: head.sequence))
        }
        // Encode the whole request before storing any of it, so a bad event fails only its request.
        var next = head
        var encoded = [Stored]()
        encoded.reserveCapacity(request.events.count)
        for event in request.events {
            next.sequence += 1
            var envelope = Envelope(
                sequence: next.sequence, recordedAt: now, kind: event.kind, type: event.type,
                schemaVersion: event.schemaVersion, actor: request.actor, requestID: request.requestID,
                entities: event.entities, payload: event.payload, previousHash: next.hash)
            do {
                let (bytes, hash) = try EnvelopeFormat.encode(envelope)
                envelope.hash = hash
                encoded.append(Stored(envelope: envelope, bytes: bytes))
                next.hash = hash
            } catch {
                return .failure(error)
            }
        }
        next.recordedAt = request.events.isEmpty ? head.recordedAt : now
        state.events.append(contentsOf: encoded)
        state.chain = next
        let sequences = encoded.isEmpty ? nil : head.sequence + 1...next.sequence
        if let key = request.idempotencyKey {
            state.idempotency[key] = IdempotencyRecord(
                sequences: sequences, head: next.sequence, recordedAt: now, requestDigest: request.requestDigest)
        }
        return .success(AppendResult(sequences: sequences, head: next.sequence, recordedAt: now, replayed: false))
    }

    public func saveCheckpoint(sequence: UInt64, state checkpoint: [UInt8]) async throws {
        try state.withLock { state throws(EventLogError) in
            if state.closed { throw EventLogError(.closed, "the event log is closed") }
            if let failure = state.injectedFailure {
                state.lastWriteFailure = failure
                throw failure
            }
            state.lastWriteFailure = nil
            state.checkpoints[sequence] = checkpoint
        }
    }

    // MARK: Reading

    public func envelope(at sequence: UInt64) throws -> Envelope? {
        state.withLock { state in
            guard sequence >= 1, sequence <= UInt64(state.events.count) else { return nil }
            return state.events[Int(sequence - 1)].envelope
        }
    }

    /// The same answers as `LMDBEventStore.envelopes(_:)`: the events past the cursor in the
    /// query's direction that pass every filter, at most `limit`, with the last one's sequence
    /// as `nextCursor` when the page is full.
    public func envelopes(_ query: EventQuery) throws -> EventPage {
        let limit = max(query.limit, 1)
        let events = state.withLock { $0.events }
        var found = [Envelope]()
        func visit(_ sequence: UInt64) -> Bool {
            let envelope = events[Int(sequence - 1)].envelope
            if query.matches(envelope), query.entity.map({ envelope.entities.contains($0) }) ?? true {
                found.append(envelope)
            }
            return found.count < limit
        }
        let count = UInt64(events.count)
        if query.descending {
            var sequence = min(count, query.cursor.map { $0 == 0 ? 0 : $0 - 1 } ?? count)
            while sequence >= 1, visit(sequence) { sequence -= 1 }
        } else {
            // Nothing comes after the last possible sequence; `+ 1` would trap.
            var sequence = min(query.cursor ?? 0, count) + 1
            while sequence <= count, visit(sequence) { sequence += 1 }
        }
        let next = found.count == limit ? found.last?.sequence : nil
        return EventPage(envelopes: found, nextCursor: next)
    }

    public func scan(after: UInt64, through: UInt64, _ body: (EnvelopeView) throws -> Void) throws {
        guard through > after else { return }
        let events = state.withLock { $0.events }
        let last = min(through, UInt64(events.count))
        guard after < last else { return }
        for index in Int(after)..<Int(last) {
            try events[index].bytes.withUnsafeBytes { try body(EnvelopeView(bytes: $0)) }
        }
    }

    public func sequence(atOrBefore time: Int64) throws -> UInt64 {
        state.withLock { state in
            // Recorded-at never decreases along the log: find the first event after `time`.
            var low = 0
            var high = state.events.count
            while low < high {
                let middle = (low + high) / 2
                if state.events[middle].envelope.recordedAt <= time { low = middle + 1 } else { high = middle }
            }
            return UInt64(low)
        }
    }

    public func idempotencyRecord(for key: String) throws -> IdempotencyRecord? {
        state.withLock { $0.idempotency[key] }
    }

    public func checkpoint(atOrBefore sequence: UInt64) throws -> (sequence: UInt64, state: [UInt8])? {
        state.withLock { state -> (sequence: UInt64, state: [UInt8])? in
            guard let best = state.checkpoints.keys.filter({ $0 <= sequence }).max() else { return nil }
            return (best, state.checkpoints[best]!)
        }
    }

    public func subscribe(after: UInt64) -> AsyncThrowingStream<Envelope, any Error> {
        if state.withLock({ $0.closed }) {
            return AsyncThrowingStream { $0.finish(throwing: EventLogError(.closed, "the event log is closed")) }
        }
        return subscribers.subscribe(to: self, after: after)
    }

    // MARK: The whole log

    /// Walks the whole chain: every checksum, sequence and link, as `LMDBEventStore.verify()` does.
    public func verify() throws -> VerifyReport {
        let events = state.withLock { $0.events }
        var report = VerifyReport(checked: 0, head: UInt64(events.count))
        var previous: Envelope?
        for (index, stored) in events.enumerated() {
            let sequence = UInt64(index + 1)
            do {
                let before = previous
                previous = try stored.bytes.withUnsafeBytes { try Chain.check($0, storedAs: sequence, after: before) }
            } catch let error as EventLogError {
                report.firstBad = sequence
                report.problem = error.message
                return report
            }
            report.checked += 1
        }
        return report
    }
}
