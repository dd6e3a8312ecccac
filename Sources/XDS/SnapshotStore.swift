import Broadcasting
import Gateway
import Logging
import Synchronization

/// The encoded resources of the current version, and of past versions on demand.
///
/// Each version is translated and encoded once. Listeners are encoded once per registration
/// (proxy or fleet) and version, so ten thousand members of a fleet share one set of bytes.
public final class SnapshotStore: SnapshotSource {
    /// One version, encoded: the shared resources, and the listeners of each registration asked for so far.
    private struct Generation {
        let state: GatewayState
        let shared: SharedSnapshot
        /// By registration; nil for nodes with no registration (they get no listeners).
        var listeners: [ProxyKey?: ResourceSet] = [:]
    }

    private let encoder: SnapshotEncoder
    private let stateAt: @Sendable (UInt64) throws -> GatewayState
    private let current: Mutex<Generation>
    /// Past versions asked for (pins, reconnects, /config), a few at a time.
    private let past = Mutex<[UInt64: Generation]>([:])
    /// One stream per watching ADS stream.
    private let watchers = Broadcast<Void>()
    private static let pastLimit = 16
    /// Where the store says what it could not serve, and the count of it by kind (`pinned_snapshot`).
    public let logger: Logger
    private let countFailure: @Sendable (String) -> Void

    /// `stateAt` rebuilds the state of a past version (nearest checkpoint plus fold). `logger`
    /// and `countFailure` report a pinned version that cannot be built (the head is served).
    public init(
        state: GatewayState, hook: TranslationHook = TranslationHook(),
        logger: Logger = Logger(label: "logbook.xds", factory: { _ in SwiftLogNoOpLogHandler() }),
        countFailure: @escaping @Sendable (String) -> Void = { _ in },
        stateAt: @escaping @Sendable (UInt64) throws -> GatewayState
    ) {
        self.logger = logger
        self.countFailure = countFailure
        let encoder = SnapshotEncoder(hook: hook)
        self.encoder = encoder
        self.stateAt = stateAt
        self.current = Mutex(Generation(state: state, shared: encoder.shared(for: state)))
    }

    /// The configuration version being served to unpinned nodes.
    public var version: UInt64 { current.withLock { $0.state.version } }

    /// Takes a new state. When its configuration differs, every watching stream is told once.
    /// One caller (the projector) updates, in log order; translation runs outside the lock, so
    /// streams reading the current snapshot never wait for it.
    public func update(_ state: GatewayState) {
        let unchanged = current.withLock { $0.state.version == state.version && $0.state == state }
        guard !unchanged else { return }
        let next = Generation(state: state, shared: encoder.shared(for: state))
        current.withLock { $0 = next }
        watchers.send(())
    }

    /// What `node` should run now: the head, or the version its registration is pinned to.
    public func snapshot(for node: NodeIdentity) -> NodeSnapshot {
        let (snapshot, pinned) = current.withLock { generation -> (NodeSnapshot?, UInt64?) in
            let key = node.registration(in: generation.state)
            if let key, let pin = generation.state.pins[key], pin != generation.state.version { return (nil, pin) }
            return (Self.snapshot(of: &generation, key: key, encoder: encoder), nil)
        }
        if let snapshot { return snapshot }
        // A pin names a version the log has (the decider checked it); only a broken store fails
        // here, and then the head is served, loudly.
        if let pinned {
            do {
                if let old = try self.snapshot(for: node, at: pinned) { return old }
                reportPinFailure(node, pinned, "the log has no such version")
            } catch {
                reportPinFailure(node, pinned, "\(error)")
            }
        }
        return current.withLock { Self.snapshot(of: &$0, key: node.registration(in: $0.state), encoder: encoder) }
    }

    private func reportPinFailure(_ node: NodeIdentity, _ pinned: UInt64, _ reason: String) {
        logger.error(
            "could not build the pinned snapshot; serving the head instead",
            metadata: [
                "xds.node_id": "\(node.id)", "xds.cluster": "\(node.cluster)", "xds.pinned_version": "\(pinned)",
                "error": "\(reason)",
            ])
        countFailure("pinned_snapshot")
    }

    /// What `node` got at configuration version `version`, exactly; nil for a version the log does not have.
    public func snapshot(for node: NodeIdentity, at version: UInt64) throws -> NodeSnapshot? {
        if let snapshot = current.withLock({ generation -> NodeSnapshot? in
            guard generation.state.version == version else { return nil }
            return Self.snapshot(of: &generation, key: node.registration(in: generation.state), encoder: encoder)
        }) {
            return snapshot
        }
        if let snapshot = past.withLock({ cache -> NodeSnapshot? in
            guard var generation = cache[version] else { return nil }
            defer { cache[version] = generation }
            return Self.snapshot(of: &generation, key: node.registration(in: generation.state), encoder: encoder)
        }) {
            return snapshot
        }
        guard version >= 1, version <= current.withLock({ $0.state.head }) else { return nil }
        let state = try stateAt(version)
        // A sequence that is not a configuration version names the version in force at it.
        guard state.version == version else { return try self.snapshot(for: node, at: state.version) }
        var generation = Generation(state: state, shared: encoder.shared(for: state))
        let snapshot = Self.snapshot(of: &generation, key: node.registration(in: state), encoder: encoder)
        past.withLock { cache in
            if cache.count >= Self.pastLimit, let oldest = cache.keys.min() { cache.removeValue(forKey: oldest) }
            cache[version] = generation
        }
        return snapshot
    }

    private static func snapshot(of generation: inout Generation, key: ProxyKey?, encoder: SnapshotEncoder)
        -> NodeSnapshot
    {
        if let listeners = generation.listeners[key] { return generation.shared.with(listeners: listeners) }
        let listeners = encoder.listeners(for: key.flatMap { generation.state.proxies[$0] }, in: generation.state)
        generation.listeners[key] = listeners
        return generation.shared.with(listeners: listeners)
    }

    /// Yields after every configuration change until the stream is cancelled; keeps the newest.
    public func watch(_ onChange: @escaping @Sendable () -> Void) -> ChangeWatch {
        let observation = watchers.observe { _ in onChange() }
        return ChangeWatch(cancel: observation.cancel)
    }

    /// How many streams are watching: one per connected stream.
    public var watcherCount: Int { watchers.count }
}
