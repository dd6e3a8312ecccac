import Foundation

/// What one HTTP connection may cost the server. A slow or idle client is closed rather than
/// held, and the server stops accepting (the kernel's backlog holds the rest) at
/// `maxConnections`, below the process's descriptor limit, so a flood never spins on EMFILE.
public struct ConnectionLimits: Sendable {
    /// From a request's first byte until its head is complete (slowloris).
    public var requestHeadTimeout: Duration
    /// From a request's head until its body is complete.
    public var requestBodyTimeout: Duration
    /// A connection with no request in progress is closed after this long.
    public var idleTimeout: Duration
    public var maxConnections: Int

    public init(
        requestHeadTimeout: Duration = .seconds(10), requestBodyTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60), maxConnections: Int = ConnectionLimits.defaultMaxConnections
    ) {
        self.requestHeadTimeout = requestHeadTimeout
        self.requestBodyTimeout = requestBodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }

    /// 1,024, or half the descriptor limit when that is lower: the other half is left for the
    /// log, xDS streams and Envoy's connections.
    public static var defaultMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return max(16, min(1024, Int(clamping: limit.rlim_cur / 2)))
    }
}
