import CoreMetrics
import Foundation
import Gateway
import LogbookCore
import Metrics
import Prometheus
import Synchronization

/// The API's metrics, recorded through swift-metrics into one Prometheus registry that
/// `GET /metrics` renders.
///
/// Every metric is made with an explicit factory instead of the global `MetricsSystem`, so a
/// test can build many applications, each with its own registry, without bootstrapping the
/// process-wide system (which may happen only once). `logbook serve` uses `process`, which
/// also bootstraps `MetricsSystem` with the same registry so library metrics land beside ours.
public final class APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let appendLatency: CoreMetrics.Timer
    private let head: CoreMetrics.Gauge
    private let version: CoreMetrics.Gauge
    private let streams: CoreMetrics.Meter
    private let rejecting: CoreMetrics.Gauge
    /// Run at each render, to set gauges from state kept elsewhere.
    private let collectors = Mutex<[UInt64: @Sendable () -> Void]>([:])
    private let nextCollector = Atomic<UInt64>(0)

    static let appendLatencyLabel = "logbook_append_duration_seconds"

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // A durable append is an fsync away: sub-millisecond to about a second covers it.
        factory.durationHistogramBuckets[Self.appendLatencyLabel] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1),
        ]
        self.factory = factory
        appendLatency = CoreMetrics.Timer(label: Self.appendLatencyLabel, factory: factory)
        head = CoreMetrics.Gauge(label: "logbook_log_head", factory: factory)
        version = CoreMetrics.Gauge(label: "logbook_config_version", factory: factory)
        streams = CoreMetrics.Meter(label: "logbook_event_streams_active", factory: factory)
        rejecting = CoreMetrics.Gauge(label: "logbook_xds_proxies_rejecting", factory: factory)
    }

    /// The one registry of a `logbook serve` process; the first use bootstraps `MetricsSystem`.
    /// A static `let` is initialised exactly once, even under concurrent first uses.
    public static let process: APIMetrics = {
        let metrics = APIMetrics(registry: PrometheusMetricsFactory.defaultRegistry)
        MetricsSystem.bootstrap(metrics.factory)
        return metrics
    }()

    /// One answered request, by matched route pattern (never the raw path, which would make
    /// a series per name), method and status.
    func recordRequest(method: String, route: String, status: Int) {
        CoreMetrics.Counter(
            label: "logbook_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory
        ).increment()
    }

    /// A mutation that reached the log: how long until it was durable, and what it appended.
    func recordMutation(_ result: CommandResult, elapsed: Duration) {
        appendLatency.recordNanoseconds(elapsed.nanoseconds)
        for applied in result.events {
            CoreMetrics.Counter(
                label: "logbook_events_appended_total", dimensions: [("type", applied.event.type)], factory: factory
            ).increment()
        }
        recordPosition(head: result.head, version: result.version)
    }

    /// A refused credential, by `CredentialRefusal` reason (never the credential).
    func recordAuthFailure(reason: String) {
        CoreMetrics.Counter(
            label: "logbook_auth_failures_total", dimensions: [("reason", reason)], factory: factory
        ).increment()
    }

    func recordPosition(head: UInt64, version: UInt64) {
        self.head.record(Int64(clamping: head))
        self.version.record(Int64(clamping: version))
    }

    func streamOpened() { streams.increment() }
    func streamClosed() { streams.decrement() }

    /// One NACK an xDS stream received, by resource type (CDS, EDS, LDS, RDS): every NACK
    /// counts, including repeats the log does not record.
    public func recordNack(type: String) {
        CoreMetrics.Counter(label: "logbook_xds_nacks_total", dimensions: [("type", type)], factory: factory)
            .increment()
    }

    /// Proxies connected now whose newest NACK stands (`NodeStatus.rejecting`): they run
    /// without the configuration they were last sent for that type.
    public func recordRejectingProxies(_ count: Int) {
        rejecting.record(Int64(count))
    }

    /// Observations of xDS clients the log did not get: `reason` is `coalesced` (replaced by a
    /// newer one while the node was over its budget) or `dropped` (unstorable, or the buffer full).
    public func recordObservationsDiscarded(_ count: Int, reason: String) {
        guard count > 0 else { return }
        CoreMetrics.Counter(
            label: "logbook_xds_observations_discarded_total", dimensions: [("reason", reason)], factory: factory
        ).increment(by: Int64(count))
    }

    /// A failure no request saw, logged where it happened: `kind` is `checkpoint` (a checkpoint
    /// not saved), `checkpoint_decode` (a checkpoint that did not decode, so the state was folded
    /// from an earlier one), `observation_flush` (proxy observations not written yet) or
    /// `pinned_snapshot` (a pinned version that could not be built, so the node got the head).
    public func recordError(kind: String) {
        CoreMetrics.Counter(label: "logbook_errors_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    /// Runs `collect` before each render (to set gauges from state kept elsewhere) until the
    /// answer is passed to `removeCollector`.
    public func addCollector(_ collect: @escaping @Sendable () -> Void) -> UInt64 {
        let id = nextCollector.add(1, ordering: .relaxed).newValue
        collectors.withLock { $0[id] = collect }
        return id
    }

    public func removeCollector(_ id: UInt64) {
        _ = collectors.withLock { $0.removeValue(forKey: id) }
    }

    /// The Prometheus text exposition of everything recorded so far.
    public func render() -> [UInt8] {
        for collect in collectors.withLock({ Array($0.values) }) { collect() }
        return registry.emitToBuffer()
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension Logbook {
    /// Executes `command` and records its latency and events; a refused command records nothing,
    /// because nothing reached the log.
    nonisolated func execute(_ command: GatewayCommand, context: LogbookCore.RequestContext, metrics: APIMetrics)
        async throws
        -> CommandResult
    {
        try await metrics.timingMutation { try await execute(command, context: context) }
    }
}

extension APIMetrics {
    func timingMutation(_ body: () async throws -> CommandResult) async throws -> CommandResult {
        let start = ContinuousClock.now
        let result = try await body()
        // A replay appends nothing, so it says nothing about append latency.
        if !result.replayed && !result.events.isEmpty {
            recordMutation(result, elapsed: ContinuousClock.now - start)
        }
        return result
    }
}
