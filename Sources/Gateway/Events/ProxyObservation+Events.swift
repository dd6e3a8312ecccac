extension ProxyObservation {
    /// The node the observation is about.
    public var node: String {
        switch self {
        case .connected(let node, _), .disconnected(let node), .acked(let node, _, _), .nacked(let node, _, _, _): node
        }
    }

    /// A node id becomes an index key (`node/<id>`), and LMDB keys hold at most 511 bytes.
    public static let maxNodeBytes = 256
    /// Cluster names, type URLs and versions come from proxies; anything longer is not a real one.
    public static let maxFieldBytes = 256
    /// Envoy's NACK details can quote a whole resource; the first few KiB say what is wrong.
    public static let maxMessageBytes = 4096

    /// The observation with its fields cut to what the log stores, or nil when its node id cannot
    /// be stored (empty, or longer than `maxNodeBytes`): what a proxy sends is not trusted.
    public var storable: ProxyObservation? {
        let node = self.node
        guard !node.isEmpty, node.utf8.count <= Self.maxNodeBytes else { return nil }
        let field = Self.maxFieldBytes
        switch self {
        case .connected(_, let cluster):
            return .connected(node: node, cluster: cluster.truncated(toUTF8: field))
        case .disconnected:
            return self
        case .acked(_, let typeURL, let version):
            return .acked(
                node: node, typeURL: typeURL.truncated(toUTF8: field), version: version.truncated(toUTF8: field))
        case .nacked(_, let typeURL, let version, let message):
            return .nacked(
                node: node, typeURL: typeURL.truncated(toUTF8: field), version: version.truncated(toUTF8: field),
                message: message.truncated(toUTF8: Self.maxMessageBytes))
        }
    }

    /// What observations share to be batched into one event.
    private enum Batch: Hashable {
        case connected
        case disconnected
        case acked(typeURL: String, version: String)
        case nacked(typeURL: String, version: String, message: String)
    }

    private var batch: Batch {
        switch self {
        case .connected: .connected
        case .disconnected: .disconnected
        case .acked(_, let typeURL, let version): .acked(typeURL: typeURL, version: version)
        case .nacked(_, let typeURL, let version, let message):
            .nacked(typeURL: typeURL, version: version, message: message)
        }
    }

    /// Observation events for `observations`: one per kind, type URL, version and message, with
    /// at most `maxNodesPerEvent` nodes each. Each node's observations keep their order (a
    /// disconnect then a connect of one node land in two events, in that order); observations of
    /// different nodes may be regrouped, since they say nothing about each other.
    public static func events(_ observations: [ProxyObservation], maxNodesPerEvent: Int = 1000) -> [GatewayEvent] {
        let limit = max(maxNodesPerEvent, 1)
        var groups: [(batch: Batch, nodes: [ConnectedNode])] = []
        var newestGroup: [Batch: Int] = [:]
        var lastGroupOfNode: [String: Int] = [:]
        for observation in observations {
            let batch = observation.batch
            let node = observation.node
            let earliest = lastGroupOfNode[node].map { $0 + 1 } ?? 0
            let index: Int
            if let candidate = newestGroup[batch], candidate >= earliest, groups[candidate].nodes.count < limit {
                index = candidate
            } else {
                index = groups.count
                groups.append((batch, []))
                newestGroup[batch] = index
            }
            var cluster = ""
            if case .connected(_, let connectedCluster) = observation { cluster = connectedCluster }
            groups[index].nodes.append(ConnectedNode(id: node, cluster: cluster))
            lastGroupOfNode[node] = index
        }
        return groups.map { group in
            let ids = group.nodes.map(\.id)
            switch group.batch {
            case .connected: return .proxyConnected(nodes: group.nodes)
            case .disconnected: return .proxyDisconnected(nodes: ids)
            case .acked(let typeURL, let version):
                return .proxyAcked(ProxyAck(typeURL: typeURL, version: version, nodes: ids))
            case .nacked(let typeURL, let version, let message):
                return .proxyNacked(ProxyNack(typeURL: typeURL, version: version, message: message, nodes: ids))
            }
        }
    }
}

extension GatewayEvent {
    /// What an observation event recorded, one observation per node in the event's order;
    /// empty for a configuration event.
    public var observations: [ProxyObservation] {
        switch self {
        case .proxyConnected(let nodes): nodes.map { .connected(node: $0.id, cluster: $0.cluster) }
        case .proxyDisconnected(let nodes): nodes.map { .disconnected(node: $0) }
        case .proxyAcked(let ack): ack.nodes.map { .acked(node: $0, typeURL: ack.typeURL, version: ack.version) }
        case .proxyNacked(let nack):
            nack.nodes.map { .nacked(node: $0, typeURL: nack.typeURL, version: nack.version, message: nack.message) }
        default: []
        }
    }
}

extension String {
    /// At most `limit` UTF-8 bytes, cut between characters.
    func truncated(toUTF8 limit: Int) -> String {
        guard utf8.count > limit else { return self }
        var result = ""
        var bytes = 0
        for character in self {
            let size = character.utf8.count
            if bytes + size > limit { break }
            result.append(character)
            bytes += size
        }
        return result
    }
}
