import AdminAPI
import Foundation
import Gateway
import LogbookCore
import XDS

/// `GET /config?version&node`: the resources a node gets at a version, rendered by the xDS side.
struct SnapshotConfigSource: EnvoyConfigSource {
    let store: SnapshotStore

    func configJSON(version: UInt64, node: String) throws -> Data {
        // `node` is a node id or a fleet's key: a fleet's resources are those of any of its members.
        let identity = NodeIdentity(standingFor: ProxyKey(node))
        guard let snapshot = try store.snapshot(for: identity, at: version) else {
            throw LogbookError(.notFound, field: "version", "the log has no configuration version \(version)")
        }
        return try ConfigRenderer.json(snapshot)
    }
}
