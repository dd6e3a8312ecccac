import AdminAPI
import Foundation
import LogbookCore
import XDS

/// `GET /config?version&node`: the resources a node gets at a version, rendered by the xDS side.
struct SnapshotConfigSource: EnvoyConfigSource {
    let store: SnapshotStore

    func configJSON(version: UInt64, node: String) throws -> Data {
        // The API names a fleet "cluster:NAME"; a member of it is any node of that Envoy cluster.
        let identity =
            node.hasPrefix("cluster:")
            ? NodeIdentity(id: node, cluster: String(node.dropFirst("cluster:".count))) : NodeIdentity(id: node)
        guard let snapshot = try store.snapshot(for: identity, at: version) else {
            throw LogbookError(.notFound, field: "version", "the log has no configuration version \(version)")
        }
        return try ConfigRenderer.json(snapshot)
    }
}
