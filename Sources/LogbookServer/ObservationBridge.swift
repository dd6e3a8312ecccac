import Gateway
import LogbookCore
import XDS

/// Hands what the xDS server sees to the recorder, which batches it into observation events.
struct ObservationBridge: StreamObserver {
    let recorder: ObservationRecorder

    func connected(_ node: NodeIdentity) {
        recorder.record(.connected(node: node.id, cluster: node.cluster))
    }

    func disconnected(_ node: NodeIdentity) {
        recorder.record(.disconnected(node: node.id))
    }

    func acked(_ node: NodeIdentity, type: ResourceType, version: String) {
        recorder.record(.acked(node: node.id, typeURL: type.typeURL, version: version))
    }

    func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String) {
        recorder.record(.nacked(node: node.id, typeURL: type.typeURL, version: version, message: message))
    }
}
