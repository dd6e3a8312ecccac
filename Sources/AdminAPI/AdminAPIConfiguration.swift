/// How the HTTP API is served.
public struct AdminAPIConfiguration: Sendable {
    /// Loopback unless told otherwise: the API can change the whole gateway.
    public var host: String
    /// 0 asks the system for a free port (tests).
    public var port: Int
    /// The declarative file `POST /config/reload` re-reads (`logbook serve --config FILE`).
    public var configPath: String?
    /// Reported by `GET /status`.
    public var buildVersion: String
    /// How often an idle `GET /events/stream` writes a comment, which is how a client that went
    /// away is noticed while the log is quiet.
    public var streamHeartbeat: Duration
    /// Deadlines and the connection cap that keep slow or idle clients from holding the server.
    public var connectionLimits: ConnectionLimits
    /// Whether requests need a bearer token.
    public var authentication: AuthenticationMode
    /// Failed authentications one client address may make in a minute before it gets 429.
    public var authFailuresPerMinute: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, configPath: String? = nil,
        buildVersion: String = LogbookBuild.version, streamHeartbeat: Duration = .seconds(15),
        connectionLimits: ConnectionLimits = ConnectionLimits(),
        authentication: AuthenticationMode = .automatic, authFailuresPerMinute: Int = 20
    ) {
        self.authentication = authentication
        self.authFailuresPerMinute = authFailuresPerMinute
        self.connectionLimits = connectionLimits
        self.host = host
        self.port = port
        self.configPath = configPath
        self.buildVersion = buildVersion
        self.streamHeartbeat = streamHeartbeat
    }
}

/// The version this binary reports.
public enum LogbookBuild {
    public static let version = "0.1.0-dev"
}
