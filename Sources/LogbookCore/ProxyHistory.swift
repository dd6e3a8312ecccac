import Gateway

/// One node's past, folded from its observation events (oldest first): when it was connected,
/// which versions it ran from when to when (by `NodeStatus`'s rule: the largest version it
/// acknowledged since it connected, from the ACK that made it so), and what it rejected.
public struct ProxyHistory: Sendable, Equatable {
    /// A connection; `until` is nil while it is open, `from` nil when it began before the log did.
    public struct Connection: Sendable, Equatable {
        public var cluster: String
        public var from: Int64?
        public var until: Int64?
    }

    /// A version the node ran, from its ACK until it ran another or disconnected (nil: still runs it).
    public struct VersionRun: Sendable, Equatable {
        public var version: String
        public var from: Int64
        public var until: Int64?

        /// The configuration version the xDS version string names, when it names one.
        public var configurationVersion: UInt64? { NodeStatus.configurationVersion(version) }

        public func contains(_ time: Int64) -> Bool {
            from <= time && until.map { time < $0 } ?? true
        }
    }

    public let node: String
    /// Oldest first.
    public private(set) var connections: [Connection] = []
    public private(set) var versions: [VersionRun] = []
    public private(set) var rejections: [ProxyRejection] = []
    /// Where the node stands after everything folded so far.
    public private(set) var status: NodeStatus

    public init(node: String) {
        self.node = node
        status = NodeStatus(id: node)
    }

    /// True when the log holds no observation of the node.
    public var isEmpty: Bool { connections.isEmpty && versions.isEmpty && rejections.isEmpty }

    /// Folds one observation of this node, recorded at `time`.
    public mutating func apply(_ observation: ProxyObservation, at time: Int64) {
        let wasConnected = status.connected
        guard status.apply(observation, at: time) else { return }
        switch observation {
        case .connected:
            if wasConnected { close(connectionAt: time) }
            connections.append(Connection(cluster: status.cluster, from: time, until: nil))
        case .disconnected:
            if connections.last.map({ $0.until == nil }) ?? false {
                close(connectionAt: time)
            } else {
                connections.append(Connection(cluster: status.cluster, from: nil, until: time))
            }
        case .nacked:
            if let nack = status.lastNack { rejections.append(nack) }
        case .acked:
            break
        }
        let running = versions.last.flatMap { $0.until == nil ? $0.version : nil }
        if running != status.runningVersion {
            if let last = versions.indices.last, versions[last].until == nil { versions[last].until = time }
            if let version = status.runningVersion { versions.append(VersionRun(version: version, from: time)) }
        }
    }

    private mutating func close(connectionAt time: Int64) {
        guard let last = connections.indices.last, connections[last].until == nil else { return }
        connections[last].until = time
    }

    /// The version the node was running at `time`, nil when it ran none then.
    public func run(at time: Int64) -> VersionRun? {
        // Runs are in time order and do not overlap: the last one starting by `time`.
        guard let run = versions.last(where: { $0.from <= time }), run.contains(time) else { return nil }
        return run
    }
}
