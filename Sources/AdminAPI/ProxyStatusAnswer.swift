import EventLog
import Gateway
import LogbookCore

/// One node's live status as `GET /proxies` shows it. Optional fields are written as null,
/// never left out, so every item has one shape.
struct NodeStatusAnswer: Encodable {
    struct Rejection: Encodable {
        let typeURL: String
        let version: String
        let message: String
        let at: String

        enum CodingKeys: String, CodingKey {
            case typeURL = "type_url"
            case version, message, at
        }

        init(_ rejection: ProxyRejection) {
            typeURL = rejection.typeURL
            version = rejection.version
            message = rejection.message
            at = Timestamp.iso8601(milliseconds: rejection.at)
        }
    }

    let connected: Bool
    @Nullable var nodeCluster: String?
    @Nullable var connectedSince: String?
    @Nullable var disconnectedAt: String?
    @Nullable var lastSeen: String?
    let acked: [String: String]
    @Nullable var runningVersion: String?
    @Nullable var runningSince: String?
    @Nullable var lastNack: Rejection?
    /// True while the node is connected and its newest NACK (`last_nack`) stands: no ACK of that
    /// type since, so it runs without the configuration it was last sent for that type.
    let rejecting: Bool
    @Nullable var pinnedVersion: UInt64?

    enum CodingKeys: String, CodingKey {
        case connected, acked, rejecting
        case nodeCluster = "node_cluster"
        case connectedSince = "connected_since"
        case disconnectedAt = "disconnected_at"
        case lastSeen = "last_seen"
        case runningVersion = "running_version"
        case runningSince = "running_since"
        case lastNack = "last_nack"
        case pinnedVersion = "pinned_version"
    }

    /// `status` is nil for a registered proxy the log has never seen.
    init(_ status: NodeStatus?, pinnedVersion: UInt64?) {
        connected = status?.connected ?? false
        nodeCluster = status?.cluster
        connectedSince = status?.connectedSince.map(Timestamp.iso8601)
        disconnectedAt = status?.disconnectedAt.map(Timestamp.iso8601)
        lastSeen = status.map { Timestamp.iso8601(milliseconds: $0.lastSeen) }
        acked = status?.acked ?? [:]
        runningVersion = status?.runningVersion
        runningSince = status?.runningSince.map(Timestamp.iso8601)
        lastNack = status?.lastNack.map(Rejection.init)
        rejecting = status?.rejecting ?? false
        self.pinnedVersion = pinnedVersion
    }
}

/// A fleet's members summarized: thousands of nodes are counted, not listed.
struct FleetStatusAnswer: Encodable {
    /// Nodes the log has seen with this node cluster.
    var members = 0
    var connected = 0
    /// Connected members by the version they run; "none" before their first ACK.
    var runningVersions: [String: Int] = [:]
    /// Connected members whose newest NACK stands (see `NodeStatusAnswer.rejecting`).
    var rejecting = 0
    @Nullable var pinnedVersion: UInt64? = nil

    enum CodingKeys: String, CodingKey {
        case members, connected, rejecting
        case runningVersions = "running_versions"
        case pinnedVersion = "pinned_version"
    }

    mutating func add(_ member: NodeStatus) {
        members += 1
        guard member.connected else { return }
        connected += 1
        if member.rejecting { rejecting += 1 }
        runningVersions[member.runningVersion ?? "none", default: 0] += 1
    }
}

/// A registered proxy or fleet with its live status: the resource's fields plus `status`.
struct ProxyListItem: Encodable {
    enum Status: Encodable {
        case node(NodeStatusAnswer)
        case fleet(FleetStatusAnswer)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .node(let status): try status.encode(to: encoder)
            case .fleet(let status): try status.encode(to: encoder)
            }
        }
    }

    let proxy: Proxy
    let status: Status

    func encode(to encoder: any Encoder) throws {
        try proxy.encode(to: encoder)
        var container = encoder.container(keyedBy: NamedKey.self)
        try container.encode(status, forKey: NamedKey("status"))
    }
}

/// A node that connected but matches no registered proxy id or fleet cluster.
struct UnregisteredNode: Encodable {
    let id: String
    let status: NodeStatusAnswer
}

/// Where every node the log has seen belongs: a registered proxy (by id), a registered fleet
/// (by node cluster), or neither.
struct NodeDirectory {
    private(set) var fleets: [ProxyKey: FleetStatusAnswer] = [:]
    private(set) var unregistered: [NodeStatus] = []

    init(board: ProxyStatusBoard, state: GatewayState) {
        for node in board.nodes.values {
            switch state.registration(ofNode: node.id, cluster: node.cluster) {
            case .node?: continue  // listed as its own registration
            case let fleet?: fleets[fleet, default: FleetStatusAnswer()].add(node)
            case nil: unregistered.append(node)
            }
        }
        unregistered.sort { $0.id < $1.id }
    }
}

/// `GET /proxies`: a page of registered proxies with their status, and on the first page the
/// nodes that connected without being registered.
struct ProxyListAnswer: Encodable {
    let page: ResourcePage<ProxyListItem>
    let unregistered: [UnregisteredNode]

    func encode(to encoder: any Encoder) throws {
        try page.encode(to: encoder)
        var container = encoder.container(keyedBy: NamedKey.self)
        try container.encode(unregistered, forKey: NamedKey("unregistered"))
    }
}
