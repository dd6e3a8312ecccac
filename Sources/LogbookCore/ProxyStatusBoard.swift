import Gateway

/// Every Envoy node the observation events mention, as the log says it is now: what
/// `GET /proxies` shows. Folded from the log once, then kept current as observations are appended.
///
/// xDS clients are not authenticated, so anyone can connect under made-up node ids. Nodes that
/// are connected, registered by id (`Proxy.key`) or members of a registered fleet are always kept;
/// of the others, once disconnected, at most `idleLimit` stay, and the ones that disconnected
/// longest ago are forgotten first. The log keeps their history (`Logbook.proxyHistory(node:)`).
public struct ProxyStatusBoard: Sendable, Equatable {
    /// Disconnected unregistered nodes kept by default: enough for every name a person would
    /// look for in `GET /proxies`, a few hundred KB of status, not a list that grows forever.
    public static let defaultIdleLimit = 1_000

    /// By node id.
    public private(set) var nodes: [String: NodeStatus] = [:]
    /// The last event folded (configuration events only move it).
    public private(set) var head: UInt64 = 0
    /// At most this many disconnected nodes that are not registered are kept.
    public var idleLimit: Int
    /// How many such nodes were forgotten.
    public private(set) var evictedCount = 0
    /// The registered proxies and fleets, by `Proxy.key`.
    public private(set) var registered: Set<ProxyKey> = []
    /// Nodes that are not connected: the candidates for eviction.
    private var disconnected: Set<String> = []
    /// `disconnected.count` at which to look for nodes to evict again.
    private var evictAt = 0

    public init(idleLimit: Int = Self.defaultIdleLimit) {
        self.idleLimit = max(idleLimit, 0)
    }

    /// Folds one observation at `time`; false when it changes nothing.
    @discardableResult
    public mutating func apply(_ observation: ProxyObservation, at time: Int64) -> Bool {
        let id = observation.node
        var status = nodes.removeValue(forKey: id) ?? NodeStatus(id: id)
        let changed = status.apply(observation, at: time)
        let isConnected = status.connected
        nodes[id] = status
        if isConnected {
            disconnected.remove(id)
        } else if disconnected.insert(id).inserted, disconnected.count > evictAt {
            evictIdle()
        }
        return changed
    }

    /// Folds event `seq` recorded at `time`; an event at or before `head` is already in.
    public mutating func apply(_ event: GatewayEvent, seq: UInt64, at time: Int64) {
        guard seq > head else { return }
        head = seq
        switch event {
        case .proxyRegistered(let proxy):
            registered.insert(proxy.key)
        case .proxyDeregistered(let key):
            registered.remove(key)
            // Its disconnected nodes may now be over the limit.
            evictAt = 0
        default:
            break
        }
        for observation in event.observations { apply(observation, at: time) }
    }

    /// Event `seq` is not an observation: only the head moves.
    public mutating func skip(seq: UInt64) {
        head = max(head, seq)
    }

    /// Sets the registered proxies and fleets (their `Proxy.key`s), which are never forgotten.
    public mutating func setRegistered(_ keys: some Sequence<ProxyKey>) {
        registered = Set(keys)
        evictAt = 0
    }

    /// Two boards are equal when they say the same about the same nodes at the same head; how
    /// they got there (evictions, scan thresholds) does not matter.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.head == rhs.head && lhs.nodes == rhs.nodes
    }

    /// Nodes connected now, sorted.
    public var connectedNodes: [String] {
        nodes.values.filter(\.connected).map(\.id).sorted()
    }

    /// Whether `node` belongs to a registered proxy or fleet.
    public func isRegistered(_ node: NodeStatus) -> Bool {
        ProxyKey.registration(ofNode: node.id, cluster: node.cluster) { registered.contains($0) } != nil
    }

    /// Forgets the longest-disconnected unregistered nodes beyond `idleLimit`, down to 90% of it
    /// so the next scan is a tenth of the limit of disconnects away.
    private mutating func evictIdle() {
        var idle: [(at: Int64, id: String)] = []
        for id in disconnected {
            guard let node = nodes[id], !isRegistered(node) else { continue }
            idle.append((node.disconnectedAt ?? node.lastSeen, id))
        }
        if idle.count > idleLimit {
            let keep = idleLimit - idleLimit / 10
            idle.sort { ($0.at, $0.id) < ($1.at, $1.id) }
            for (_, id) in idle.prefix(idle.count - keep) {
                nodes.removeValue(forKey: id)
                disconnected.remove(id)
            }
            evictedCount += idle.count - keep
            evictAt = disconnected.count + (idleLimit - keep)
        } else {
            evictAt = disconnected.count + (idleLimit - idle.count)
        }
    }
}
