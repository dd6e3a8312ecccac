extension LMDBEventStore {
    /// Catches up from `after` in pages, then waits for each new head and reads what it added.
    public func subscribe(after: UInt64) -> AsyncThrowingStream<Envelope, any Error> {
        if writer.isClosed {
            return AsyncThrowingStream { $0.finish(throwing: EventLogError(.closed, "the event log is closed")) }
        }
        let (heads, headContinuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        let id = registerSubscriber(headContinuation)
        return AsyncThrowingStream { continuation in
            let task = Task { [weak self] in
                var last = after
                var headUpdates = heads.makeAsyncIterator()
                do {
                    while !Task.isCancelled, let self {
                        var query = EventQuery()
                        query.cursor = last
                        query.limit = 512
                        let page = try self.envelopes(query)
                        for envelope in page.envelopes {
                            continuation.yield(envelope)
                            last = envelope.sequence
                        }
                        if page.nextCursor != nil { continue }
                        // Caught up: sleep until the head passes what we have sent.
                        var newer = false
                        while let head = await headUpdates.next() {
                            if head > last {
                                newer = true
                                break
                            }
                        }
                        if !newer { break }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { [weak self] _ in
                task.cancel()
                self?.unregisterSubscriber(id)
            }
        }
    }

    private func registerSubscriber(_ continuation: AsyncStream<UInt64>.Continuation) -> UInt64 {
        let id = nextSubscriberID()
        subscribers.withLock { $0[id] = continuation }
        // A head that moved while we registered must not be missed.
        continuation.yield(head)
        return id
    }

    private func unregisterSubscriber(_ id: UInt64) {
        subscribers.withLock { $0.removeValue(forKey: id) }?.finish()
    }

    func notifySubscribers(head: UInt64) {
        subscribers.withLock { subscribers in
            for continuation in subscribers.values { continuation.yield(head) }
        }
    }
}
