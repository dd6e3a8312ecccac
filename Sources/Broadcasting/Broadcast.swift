import Synchronization

/// Fans values out to any number of `AsyncStream`s: the one helper behind the event stores'
/// subscriptions (each new head), `Logbook.stateUpdates()` (each new state) and the xDS snapshot
/// store's change signal to ADS streams. A stream leaves the registry when it ends: finished,
/// cancelled, or dropped by its consumer.
package final class Broadcast<Element: Sendable>: Sendable {
    private let streams = Mutex<(next: UInt64, all: [UInt64: AsyncStream<Element>.Continuation])>((0, [:]))

    package init() {}

    /// A new stream that keeps the newest `limit` values its consumer has not taken yet. `first`
    /// is handed to it under the same lock `send` takes, so no value sent meanwhile comes before it.
    package func stream(bufferingNewest limit: Int = 1, first: Element? = nil) -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(limit))
        let id = streams.withLock { streams in
            defer { streams.next += 1 }
            streams.all[streams.next] = continuation
            if let first { continuation.yield(first) }
            return streams.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.streams.withLock { $0.all.removeValue(forKey: id) }
        }
        return stream
    }

    /// Hands `value` to every stream, in the order of `send` calls.
    package func send(_ value: Element) {
        streams.withLock { streams in
            for continuation in streams.all.values { continuation.yield(value) }
        }
    }

    /// Ends every stream: each finishes once its consumer has taken what it buffered.
    package func finishAll() {
        let all = streams.withLock { streams in
            defer { streams.all = [:] }
            return Array(streams.all.values)
        }
        // Outside the lock: finishing runs each stream's onTermination, which takes it.
        for continuation in all { continuation.finish() }
    }

    /// How many streams are open.
    package var count: Int { streams.withLock { $0.all.count } }
}
