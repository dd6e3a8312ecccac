import AdminAPI
import Gateway
import LogbookCore
import Logging
import ServiceLifecycle
import Synchronization
import XDS

/// Sets the xDS gauges and counters that come from the recorder, before each `/metrics` render.
final class XDSMetricsCollector: Sendable {
    let recorder: ObservationRecorder
    let metrics: APIMetrics
    /// The recorder's totals at the last render: counters advance by the difference.
    private let reported = Mutex<(coalesced: Int, dropped: Int)>((0, 0))

    init(recorder: ObservationRecorder, metrics: APIMetrics) {
        self.recorder = recorder
        self.metrics = metrics
    }

    func collect() {
        metrics.recordRejectingProxies(recorder.rejectingCount)
        let (coalesced, dropped) = reported.withLock { reported in
            let now = (coalesced: recorder.coalescedCount, dropped: recorder.droppedCount)
            defer { reported = now }
            return (now.coalesced - reported.coalesced, now.dropped - reported.dropped)
        }
        metrics.recordObservationsDiscarded(coalesced, reason: "coalesced")
        metrics.recordObservationsDiscarded(dropped, reason: "dropped")
    }
}
