import Synchronization

/// What the health service reports for each service name ("" is the whole server), and the
/// watchers that hear each change. Shutting down turns everything NOT_SERVING and ends the
/// watches, so a graceful server shutdown is not held open by Watch streams that never end.
final class HealthStatusBoard: Sendable {
    private struct Watcher {
        let service: String
        let continuation: AsyncStream<HealthStatus>.Continuation
    }

    private struct State {
        var statuses: [String: HealthStatus]
        var watchers: [Int: Watcher] = [:]
        var nextWatcher = 0
        var isShutDown = false

        func status(of service: String) -> HealthStatus {
            statuses[service] ?? .serviceUnknown
        }
    }

    private let state: Mutex<State>

    init(serving services: [String]) {
        state = Mutex(State(statuses: Dictionary(uniqueKeysWithValues: services.map { ($0, .serving) })))
    }

    /// The status of `service`, `.serviceUnknown` for a name never registered.
    func status(of service: String) -> HealthStatus {
        state.withLock { $0.status(of: service) }
    }

    /// The current status of `service`, then each change, until shutdown or until the stream is dropped.
    /// Every change is buffered: statuses change at most once (at shutdown), and a watcher must hear it.
    func watch(_ service: String) -> AsyncStream<HealthStatus> {
        let (stream, continuation) = AsyncStream.makeStream(of: HealthStatus.self)
        let id: Int? = state.withLock { state in
            continuation.yield(state.status(of: service))
            if state.isShutDown { return nil }
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = Watcher(service: service, continuation: continuation)
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Every known service becomes NOT_SERVING; watchers hear it and their streams end.
    func shutDown() {
        let watchers: [Watcher] = state.withLock { state in
            state.isShutDown = true
            for service in state.statuses.keys { state.statuses[service] = .notServing }
            defer { state.watchers = [:] }
            return Array(state.watchers.values)
        }
        for watcher in watchers {
            watcher.continuation.yield(status(of: watcher.service))
            watcher.continuation.finish()
        }
    }
}
