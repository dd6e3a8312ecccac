extension LMDBEventStore {
    /// Catches up from `after` in pages, then waits for each new head and reads what it added.
    /// Pull-driven: a page is read only when the consumer has taken the last one, so a slow
    /// consumer of a long log holds one page in memory, not the log.
    public func subscribe(after: UInt64) -> AsyncThrowingStream<Envelope, any Error> {
        if writer.isClosed {
            return AsyncThrowingStream { $0.finish(throwing: EventLogError(.closed, "the event log is closed")) }
        }
        let (heads, headContinuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        let cursor = SubscriptionCursor(
            store: self, after: after, heads: heads, id: registerSubscriber(headContinuation))
        return AsyncThrowingStream { try await cursor.next() }
    }

    private func registerSubscriber(_ continuation: AsyncStream<UInt64>.Continuation) -> UInt64 {
        let id = nextSubscriberID()
        subscribers.withLock { $0[id] = continuation }
        // A head that moved while we registered must not be missed.
        continuation.yield(head)
        return id
    }

    func unregisterSubscriber(_ id: UInt64) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    func notifySubscribers(head: UInt64) {
        subscribers.withLock { subscribers in
            for continuation in subscribers.values { continuation.yield(head) }
        }
    }
}

/// Where one subscription stands: the last sequence handed out, the rest of the current page,
/// and the head updates that wake it once it has caught up. Unregisters when the stream is gone.
actor SubscriptionCursor {
    private let store: LMDBEventStore
    private let id: UInt64
    private var last: UInt64
    private var page: [Envelope] = []
    private var taken = 0
    private var heads: AsyncStream<UInt64>.Iterator

    init(store: LMDBEventStore, after: UInt64, heads: AsyncStream<UInt64>, id: UInt64) {
        self.store = store
        self.last = after
        self.heads = heads.makeAsyncIterator()
        self.id = id
    }

    deinit {
        store.unregisterSubscriber(id)
    }

    /// The next envelope; nil when the log is closed.
    func next() async throws -> Envelope? {
        while true {
            if taken < page.count {
                defer { taken += 1 }
                return page[taken]
            }
            var query = EventQuery()
            query.cursor = last
            query.limit = 512
            let envelopes = try store.envelopes(query).envelopes
            if let newest = envelopes.last {
                page = envelopes
                taken = 0
                last = newest.sequence
                continue
            }
            // Caught up: sleep until the head passes what was handed out.
            var updates = heads
            var head: UInt64? = 0
            while let current = head, current <= last {
                head = await updates.next(isolation: self)
            }
            heads = updates
            if head == nil { return nil }
        }
    }
}
