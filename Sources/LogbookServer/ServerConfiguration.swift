import AdminAPI
import XDS

/// Where `logbook serve` listens, and what it serves.
public struct ServerConfiguration: Sendable {
    public var api: AdminAPIConfiguration
    /// The xDS (ADS) address; port 0 picks a free one.
    public var xdsHost: String
    public var xdsPort: Int
    /// Test seam: changes translated resources before they are served (for example, to force a NACK).
    public var translationHook: TranslationHook
    /// How often proxy observations are written to the log.
    public var observationInterval: Duration
    /// Serve this configuration version forever instead of following the log (`logbook replay --serve`).
    public var frozenVersion: UInt64?

    public init(
        api: AdminAPIConfiguration = AdminAPIConfiguration(), xdsHost: String = "127.0.0.1", xdsPort: Int = 18000,
        translationHook: TranslationHook = TranslationHook(), observationInterval: Duration = .milliseconds(100),
        frozenVersion: UInt64? = nil
    ) {
        self.frozenVersion = frozenVersion
        self.api = api
        self.xdsHost = xdsHost
        self.xdsPort = xdsPort
        self.translationHook = translationHook
        self.observationInterval = observationInterval
    }
}

/// The addresses actually bound, reported once both servers listen.
public struct BoundPorts: Sendable, Equatable {
    public var http: Int
    public var xds: Int
}
