import AdminAPI
import Gateway
import LogbookCore
import Logging
import ServiceLifecycle
import Synchronization
import XDS

/// Flushes proxy observations into the log until shutdown, then once more.
/// A flush that fails is logged (by the recorder) and counted as `observation_flush`.
struct RecorderService: ServiceLifecycle.Service {
    let recorder: ObservationRecorder
    let metrics: APIMetrics

    func run() async throws {
        let metrics = self.metrics
        await cancelWhenGracefulShutdown { await recorder.run { _ in metrics.recordError(kind: "observation_flush") } }
        do {
            try await recorder.flush(releasingAll: true)
        } catch {
            recorder.logger.error(
                "could not write proxy observations to the log at shutdown; they are lost",
                metadata: ["error": "\(error)"])
            metrics.recordError(kind: "observation_flush")
        }
    }
}
