import Gateway

/// A NACK: which version of which type a node rejected, why, and when.
public struct ProxyRejection: Sendable, Equatable {
    public var typeURL: String
    public var version: String
    public var message: String
    /// Milliseconds since 1970: the envelope's recordedAt.
    public var at: Int64

    public init(typeURL: String, version: String, message: String, at: Int64) {
        self.typeURL = typeURL
        self.version = version
        self.message = message
        self.at = at
    }
}

/// What the observations say one Envoy node is doing: a fold of its observations, the same
/// for the live view, the recorder's change filter and the history.
///
/// A node runs the largest configuration version among the versions it has acknowledged per
/// type URL since it connected: the xDS server labels each type with the configuration version
/// it was served from (or where that type last changed, never above it), so the largest label
/// is the version in force, and a pin or rollback that moves a node back shows once every
/// moved type is acknowledged. Versions that are not numbers fall back to the newest ACK.
public struct NodeStatus: Sendable, Equatable {
    public let id: String
    /// The Envoy node cluster it last connected with; empty when it sent none.
    public private(set) var cluster = ""
    public private(set) var connected = false
    /// When it last connected; nil when the log never saw it connect.
    public private(set) var connectedSince: Int64?
    /// When it last disconnected, if it did.
    public private(set) var disconnectedAt: Int64?
    /// The time of its newest recorded observation (only changes are recorded).
    public private(set) var lastSeen: Int64 = 0
    /// The version it last acknowledged per type URL, since it last connected.
    public private(set) var acked: [String: String] = [:]
    /// The version it runs (see above); nil before its first ACK and after it disconnects.
    public private(set) var runningVersion: String?
    /// Since when it runs `runningVersion`.
    public private(set) var runningSince: Int64?
    /// Its newest NACK, kept across reconnects.
    public private(set) var lastNack: ProxyRejection?
    /// Whether `lastNack` came in this connection, so a repeat of it is no news.
    private var nackedSinceConnect = false
    /// True while the node is connected and its newest NACK stands: it came in this connection and
    /// no ACK of that type since moved the node to another version. The version it rejected is
    /// what the server sends it now (a rejected content is not sent again until it changes), so
    /// the node runs without the configuration it was last given for that type.
    public private(set) var rejecting = false

    public init(id: String) {
        self.id = id
    }

    /// Folds one observation at `time`; false when it changes nothing (a repeated ACK or NACK, a
    /// second connect, a disconnect of a node that is not connected), so it need not be recorded.
    @discardableResult
    public mutating func apply(_ observation: ProxyObservation, at time: Int64) -> Bool {
        switch observation {
        case .connected(_, let cluster):
            if connected && self.cluster == cluster { return false }
            self.cluster = cluster
            connected = true
            connectedSince = time
            acked = [:]
            nackedSinceConnect = false
            rejecting = false
            setRunning(nil, at: time)
        case .disconnected:
            guard connected else { return false }
            connected = false
            rejecting = false
            disconnectedAt = time
            setRunning(nil, at: time)
        case .acked(_, let typeURL, let version):
            if acked[typeURL] == version { return false }
            acked[typeURL] = version
            if rejecting, lastNack?.typeURL == typeURL { rejecting = false }
            setRunning(Self.largest(acked) ?? version, at: time)
        case .nacked(_, let typeURL, let version, let message):
            if nackedSinceConnect, rejecting || !connected, let last = lastNack, last.typeURL == typeURL,
                last.version == version,
                last.message == message
            {
                return false
            }
            lastNack = ProxyRejection(typeURL: typeURL, version: version, message: message, at: time)
            nackedSinceConnect = true
            rejecting = connected
        }
        lastSeen = time
        return true
    }

    private mutating func setRunning(_ version: String?, at time: Int64) {
        guard version != runningVersion else { return }
        runningVersion = version
        runningSince = version == nil ? nil : time
    }

    /// The acknowledged version with the largest configuration version, nil when none is a number.
    private static func largest(_ acked: [String: String]) -> String? {
        var best: (number: UInt64, text: String)?
        for version in acked.values {
            guard let number = configurationVersion(version) else { continue }
            if let current = best, (current.number, current.text) >= (number, version) { continue }
            best = (number, version)
        }
        return best?.text
    }

    /// The configuration version an xDS version string names: a decimal number, alone or
    /// followed by a separator and a suffix (`12`, `12-3f9a`); nil for anything else.
    public static func configurationVersion(_ version: String) -> UInt64? {
        let digits = version.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let rest = version.dropFirst(digits.count)
        if let next = rest.first, !"-._:+/".contains(next) { return nil }
        return UInt64(digits)
    }
}
