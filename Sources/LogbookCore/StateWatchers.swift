import Gateway
import Synchronization

/// The continuations of `Logbook.stateUpdates()` streams; each removes itself when its stream ends.
final class StateWatchers: Sendable {
    private let continuations = Mutex<(next: UInt64, all: [UInt64: AsyncStream<GatewayState>.Continuation])>(
        (0, [:]))

    func add(_ continuation: AsyncStream<GatewayState>.Continuation) {
        let id = continuations.withLock { watchers in
            defer { watchers.next += 1 }
            watchers.all[watchers.next] = continuation
            return watchers.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.continuations.withLock { $0.all.removeValue(forKey: id) }
        }
    }

    func yield(_ state: GatewayState) {
        continuations.withLock { watchers in
            for continuation in watchers.all.values { continuation.yield(state) }
        }
    }

    func finishAll() {
        let all = continuations.withLock { watchers in
            defer { watchers.all = [:] }
            return watchers.all.values
        }
        for continuation in all { continuation.finish() }
    }
}
