import Synchronization

/// Fans values out to any number of `AsyncStream`s or callbacks: the one helper behind the event
/// stores' subscriptions (each new head), `Logbook.stateUpdates()` (each new state) and the xDS
/// snapshot store's change signal to ADS streams. A stream leaves the registry when it ends:
/// finished, cancelled, or dropped by its consumer; a callback when its observation is cancelled.
package final class Broadcast<Element: Sendable>: Sendable {
    private enum Subscriber {
        case stream(AsyncStream<Element>.Continuation)
        case callback(@Sendable (Element) -> Void)
    }

    private let streams = Mutex<(next: UInt64, all: [UInt64: Subscriber])>((0, [:]))

    package init() {}

    /// A new stream that keeps the newest `limit` values its consumer has not taken yet. `first`
    /// is handed to it under the same lock `send` takes, so no value sent meanwhile comes before it.
    package func stream(bufferingNewest limit: Int = 1, first: Element? = nil) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(limit))
        let id = streams.withLock { streams in
            defer { streams.next += 1 }
            streams.all[streams.next] = .stream(continuation)
            if let first { continuation.yield(first) }
            return streams.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.streams.withLock { $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    /// Calls `body` with every value sent from now on until the observation is cancelled. It runs
    /// on the sender's thread under the broadcast's lock, so it must be quick and must not call
    /// back into the broadcast. For a consumer that needs no task of its own (an ADS stream
    /// raising its change flag): with a stream each, every push would wake one task per watcher.
    package func observe(_ body: @escaping @Sendable (Element) -> Void) -> BroadcastObservation {
        let id = streams.withLock { streams in
            defer { streams.next += 1 }
            streams.all[streams.next] = .callback(body)
            return streams.next
        }
        return BroadcastObservation { [weak self] in _ = self?.streams.withLock { $0.all.removeValue(forKey: id) } }
    }

    /// Hands `value` to every stream and callback, in the order of `send` calls.
    package func send(_ value: Element) {
        streams.withLock { streams in
            for subscriber in streams.all.values {
                switch subscriber {
                case .stream(let continuation): continuation.yield(value)
                case .callback(let body): body(value)
                }
            }
        }
    }

    /// Ends every stream: each finishes once its consumer has taken what it buffered.
    package func finishAll() {
        let all = streams.withLock { streams in
            defer { streams.all = [:] }
            return Array(streams.all.values)
        }
        // Outside the lock: finishing runs each stream's onTermination, which takes it.
        for case .stream(let continuation) in all { continuation.finish() }
    }

    /// How many streams and callbacks are registered.
    package var count: Int { streams.withLock { $0.all.count } }
}

/// A callback registered with `Broadcast.observe`; `cancel` unregisters it (once is enough).
package final class BroadcastObservation: Sendable {
    private let end: @Sendable () -> Void

    init(end: @escaping @Sendable () -> Void) {
        self.end = end
    }

    package func cancel() { end() }
}
