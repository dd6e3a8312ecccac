import AdminAPI
import Gateway
import LogbookCore
import Logging
import Synchronization
import XDS

/// Hands what the xDS server sees to the recorder, which batches it into observation events,
/// counts NACKs in the metrics and logs streams closed for not reading.
///
/// A node is connected while it has at least one stream: an Envoy that reconnects before its old
/// stream is torn down has two for a moment, and the old one ending must not mark it disconnected.
final class ObservationBridge: StreamObserver {
    let recorder: ObservationRecorder
    let metrics: APIMetrics?
    let logger: Logger
    private let streams = Mutex<[String: Int]>([:])

    /// `logger` defaults to the recorder's.
    init(recorder: ObservationRecorder, metrics: APIMetrics? = nil, logger: Logger? = nil) {
        self.recorder = recorder
        self.metrics = metrics
        self.logger = logger ?? recorder.logbook.logger
    }

    func connected(_ node: NodeIdentity) {
        let first = streams.withLock { streams in
            streams[node.id, default: 0] += 1
            return streams[node.id] == 1
        }
        if first { recorder.record(.connected(node: node.id, cluster: node.cluster)) }
    }

    func disconnected(_ node: NodeIdentity) {
        let last = streams.withLock { streams in
            streams[node.id, default: 1] -= 1
            if streams[node.id] == 0 {
                streams.removeValue(forKey: node.id)
                return true
            }
            return false
        }
        if last { recorder.record(.disconnected(node: node.id)) }
    }

    func acked(_ node: NodeIdentity, type: ResourceType, version: String) {
        recorder.record(.acked(node: node.id, typeURL: type.typeURL, version: version))
    }

    func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String) {
        metrics?.recordNack(type: type.shortName)
        recorder.record(.nacked(node: node.id, typeURL: type.typeURL, version: version, message: message))
    }

    func stalled(_ node: NodeIdentity, after: Duration) {
        logger.warning(
            "closed the ADS stream of node '\(node.id)' (cluster '\(node.cluster)'): it read no response for \(after)",
            metadata: ["xds.node_id": "\(node.id)", "xds.cluster": "\(node.cluster)"])
    }
}
