import Synchronization

/// What this instance has been asked: the counts `GET /debug/requests` shows (which prove that mirrored
/// traffic reached a shadow instance) and the count that decides when `--fail-every` injects a failure.
/// Health checks and the debug endpoints are left out so that probing an instance does not change it.
public final class RequestLedger: Sendable {
    /// Beyond this many distinct paths new ones share one key, so a scanner cannot grow the table without bound.
    static let maxDistinctPaths = 1000
    static let otherPathsKey = "(other)"

    private struct State {
        var total = 0
        var paths: [String: Int] = [:]
        var apiRequests = 0
    }

    private let state = Mutex(State())
    /// Every `failEvery`-th request to `/api/*` fails; 0 never.
    public let failEvery: Int

    public init(failEvery: Int = 0) {
        self.failEvery = max(0, failEvery)
    }

    /// Whether `path` is counted at all.
    static func counts(_ path: String) -> Bool {
        !(path == "/health" || path == "/debug" || path.hasPrefix("/debug/"))
    }

    static func isAPI(_ path: String) -> Bool {
        path == "/api" || path.hasPrefix("/api/")
    }

    /// Counts one request; answers true when it is one that must fail.
    func record(path: String) -> Bool {
        guard Self.counts(path) else { return false }
        let failEvery = failEvery
        return state.withLock { state in
            state.total += 1
            let key =
                state.paths[path] != nil || state.paths.count < Self.maxDistinctPaths ? path : Self.otherPathsKey
            state.paths[key, default: 0] += 1
            guard Self.isAPI(path) else { return false }
            state.apiRequests += 1
            return failEvery > 0 && state.apiRequests % failEvery == 0
        }
    }

    /// The counts so far.
    public func snapshot() -> (total: Int, paths: [String: Int]) {
        state.withLock { ($0.total, $0.paths) }
    }
}
