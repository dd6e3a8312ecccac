import Gateway

/// Every Envoy node the observation events mention, as the log says it is now: what
/// `GET /proxies` shows. Folded from the log once, then kept current as observations are appended.
public struct ProxyStatusBoard: Sendable, Equatable {
    /// By node id.
    public private(set) var nodes: [String: NodeStatus] = [:]
    /// The last event folded (configuration events only move it).
    public private(set) var head: UInt64 = 0

    public init() {}

    /// Folds one observation at `time`; false when it changes nothing.
    @discardableResult
    public mutating func apply(_ observation: ProxyObservation, at time: Int64) -> Bool {
        let id = observation.node
        var status = nodes.removeValue(forKey: id) ?? NodeStatus(id: id)
        let changed = status.apply(observation, at: time)
        nodes[id] = status
        return changed
    }

    /// Folds event `seq` recorded at `time`; an event at or before `head` is already in.
    public mutating func apply(_ event: GatewayEvent, seq: UInt64, at time: Int64) {
        guard seq > head else { return }
        head = seq
        for observation in event.observations { apply(observation, at: time) }
    }

    /// Event `seq` is not an observation: only the head moves.
    public mutating func skip(seq: UInt64) {
        head = max(head, seq)
    }

    /// Nodes connected now, sorted.
    public var connectedNodes: [String] {
        nodes.values.filter(\.connected).map(\.id).sorted()
    }
}
