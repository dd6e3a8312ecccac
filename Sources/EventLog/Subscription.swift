import Broadcasting
import Synchronization

/// The live subscriptions of one store: each is woken with the new head after an append.
final class SubscriberRegistry: Sendable {
    private let heads = Broadcast<UInt64>()

    func notify(head: UInt64) {
        heads.send(head)
    }

    /// Ends every subscription: their streams finish once they have handed out what they read.
    func finishAll() {
        heads.finishAll()
    }

    /// How many subscriptions are open.
    var count: Int { heads.count }

    /// Catches up from `after` in pages read from `store`, then waits for each new head and reads
    /// what it added. Pull-driven: a page is read only when the consumer has taken the last one,
    /// so a slow consumer of a long log holds one page in memory, not the log.
    func subscribe(to store: any EventStoreReader, after: UInt64) -> AsyncThrowingStream<Envelope, any Error> {
        // The head now, at once, so a head that moved while it registered is not missed. The
        // stream leaves the registry when the cursor (which holds its only iterator) is gone.
        let cursor = SubscriptionCursor(store: store, after: after, heads: heads.stream(first: store.head))
        return AsyncThrowingStream { try await cursor.next() }
    }
}

/// Where one subscription stands: the last sequence handed out, the rest of the current page,
/// and the head updates that wake it once it has caught up.
actor SubscriptionCursor {
    private let store: any EventStoreReader
    private var last: UInt64
    private var page: [Envelope] = []
    private var taken = 0
    private var heads: AsyncStream<UInt64>.Iterator

    init(store: any EventStoreReader, after: UInt64, heads: AsyncStream<UInt64>) {
        self.store = store
        self.last = after
        self.heads = heads.makeAsyncIterator()
    }

    /// The next envelope; nil when the store is closed.
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
