import AdminAPI
import Gateway
import LogbookCore
import Logging
import ServiceLifecycle
import Synchronization
import XDS

/// `logbook serve`: the HTTP API, the xDS server, the projector that feeds it and the
/// recorder of proxy history, run as one ServiceGroup until SIGINT or SIGTERM.
public enum LogbookServer {
    /// The parts an in-process test also needs: the snapshot store and the recorder.
    public struct Parts: Sendable {
        public let store: SnapshotStore
        public let recorder: ObservationRecorder
    }

    /// `logger` is the one the whole server logs with (`serve` makes it); each part gets it, with
    /// its own `logbook.component` in the metadata. By default the logbook's.
    /// `authenticators` are the API's bearer credentials, asked in order (by default the log's
    /// tokens alone).
    public static func run(
        logbook: Logbook, configuration: ServerConfiguration, logger: Logger? = nil,
        authenticators: [any BearerAuthenticator]? = nil,
        onRunning: @escaping @Sendable (BoundPorts, Parts) async -> Void = { _, _ in }
    ) async throws {
        // The API's OpenAPI document and both ports first: a missing document or a busy port stops
        // the server before either listens or the log is written.
        try loadOpenAPIDocument()
        try configuration.checkPorts()
        let logger = logger ?? logbook.logger
        let metrics = APIMetrics.process
        let recorder = try ObservationRecorder(
            logbook: logbook, interval: configuration.observationInterval,
            logger: logger.with("logbook.component", "observations"))
        // Streams of an earlier process are gone; the log must not say they are connected.
        _ = try await recorder.markAllDisconnected()
        let projection = logbook.projection
        let served = try configuration.frozenVersion.map { try projection.state(at: $0) } ?? logbook.state
        let xdsLogger = logger.with("logbook.component", "xds")
        let store = SnapshotStore(
            state: served, hook: configuration.translationHook, logger: xdsLogger,
            countFailure: { metrics.recordError(kind: $0) }
        ) { try projection.state(at: $0) }
        let parts = Parts(store: store, recorder: recorder)
        let ports = PortRendezvous { await onRunning($0, parts) }
        let collector = metrics.addCollector(XDSMetricsCollector(recorder: recorder, metrics: metrics).collect)
        defer { metrics.removeCollector(collector) }
        let api = try buildApplication(
            logbook: logbook, configuration: configuration.api, metrics: metrics,
            envoyConfig: SnapshotConfigSource(store: store), authenticators: authenticators,
            logger: logger.with("logbook.component", "api")
        ) { await ports.http($0) }
        let xds = XDSServer(
            host: configuration.xdsHost, port: configuration.xdsPort,
            service: AggregatedDiscoveryService(
                source: store,
                observer: ObservationBridge(recorder: recorder, metrics: metrics, logger: xdsLogger),
                logger: xdsLogger, countFailure: { metrics.recordError(kind: $0) })
        ) { await ports.xds($0) }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: RecorderService(recorder: recorder, metrics: metrics)), .init(service: xds),
            .init(service: api),
        ]
        // A frozen server (replay) serves one version; otherwise the projector follows the log.
        if configuration.frozenVersion == nil {
            services.append(.init(service: Projector(logbook: logbook, store: store)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger.with("logbook.component", "lifecycle")))
        try await group.run()
    }
}

extension Logger {
    /// A copy with one more metadata value.
    public func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}
