extension LMDBEventStore {
    /// Catches up from `after`, then follows every commit until the store closes.
    public func subscribe(after: UInt64) -> AsyncThrowingStream<Envelope, any Error> {
        if writer.isClosed {
            return AsyncThrowingStream { $0.finish(throwing: EventLogError(.closed, "the event log is closed")) }
        }
        return subscribers.subscribe(to: self, after: after)
    }

    func notifySubscribers(head: UInt64) {
        subscribers.notify(head: head)
    }
}
