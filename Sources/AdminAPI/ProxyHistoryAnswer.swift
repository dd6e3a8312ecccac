import EventLog
import LogbookCore

/// `GET /proxies/{id}/history`: connections, versions run and rejections, newest first.
struct ProxyHistoryAnswer: Encodable {
    struct Connection: Encodable {
        let nodeCluster: String
        @Nullable var connectedAt: String?
        @Nullable var disconnectedAt: String?

        enum CodingKeys: String, CodingKey {
            case nodeCluster = "node_cluster"
            case connectedAt = "connected_at"
            case disconnectedAt = "disconnected_at"
        }
    }

    struct Run: Encodable {
        let version: String
        @Nullable var configurationVersion: UInt64?
        let from: String
        @Nullable var until: String?

        enum CodingKeys: String, CodingKey {
            case version, from, until
            case configurationVersion = "configuration_version"
        }
    }

    let node: String
    let connected: Bool
    let connections: [Connection]
    let versions: [Run]
    let rejections: [NodeStatusAnswer.Rejection]

    /// The newest `limit` of each list.
    init(_ history: ProxyHistory, limit: Int) {
        node = history.node
        connected = history.status.connected
        connections = history.connections.suffix(limit).reversed().map {
            Connection(
                nodeCluster: $0.cluster, connectedAt: $0.from.map(Timestamp.iso8601),
                disconnectedAt: $0.until.map(Timestamp.iso8601))
        }
        versions = history.versions.suffix(limit).reversed().map {
            Run(
                version: $0.version, configurationVersion: $0.configurationVersion,
                from: Timestamp.iso8601(milliseconds: $0.from), until: $0.until.map(Timestamp.iso8601))
        }
        rejections = history.rejections.suffix(limit).reversed().map(NodeStatusAnswer.Rejection.init)
    }
}
