import Foundation

/// The gateway configuration at one point of the log: a pure fold of its events.
public struct GatewayState: Equatable, Sendable {
    public private(set) var services: [String: Service]
    public private(set) var routes: [String: Route]
    /// By `Proxy.key`.
    public private(set) var proxies: [ProxyKey: Proxy]
    /// Sequence number of the last event that changed the configuration.
    public private(set) var version: UInt64
    /// Sequence number of the last event folded.
    public private(set) var head: UInt64
    public private(set) var lastDeclarativeHash: String?
    /// Pinned proxies and fleets, by `Proxy.key`: each is served exactly the resources of that
    /// configuration version until it is unpinned or deregistered.
    public private(set) var pins: [ProxyKey: UInt64]

    public init() {
        services = [:]
        routes = [:]
        proxies = [:]
        version = 0
        head = 0
        lastDeclarativeHash = nil
        pins = [:]
    }

    init(
        services: [String: Service],
        routes: [String: Route],
        proxies: [ProxyKey: Proxy],
        version: UInt64,
        head: UInt64,
        lastDeclarativeHash: String?,
        pins: [ProxyKey: UInt64]
    ) {
        self.services = services
        self.routes = routes
        self.proxies = proxies
        self.version = version
        self.head = head
        self.lastDeclarativeHash = lastDeclarativeHash
        self.pins = pins
    }

    /// Folds one event. Total and cheap: no validation, sorting or JSON here (this is the replay hot path).
    /// The event is consumed, so its resources move into the state without being copied.
    public mutating func apply(_ event: consuming GatewayEvent, seq: UInt64) {
        head = seq
        switch consume event {
        case .serviceRegistered(let service):
            upsert(consume service)
        case .serviceUpdated(let service):
            upsert(consume service)
        case .serviceRemoved(let name):
            services.removeValue(forKey: name)
        case .routeAdded(let route):
            upsert(consume route)
        case .routeChanged(let route):
            upsert(consume route)
        case .routeRemoved(let name):
            routes.removeValue(forKey: name)
        case .proxyRegistered(let proxy):
            let key = proxy.key
            proxies[key] = consume proxy
        case .proxyDeregistered(let key):
            proxies.removeValue(forKey: key)
            pins.removeValue(forKey: key)
        case .proxyPinned(let key, let pinned):
            pins[key] = pinned
        case .proxyUnpinned(let key):
            pins.removeValue(forKey: key)
        case .configRolledBack(let rollback):
            for name in rollback.removedRoutes { routes.removeValue(forKey: name) }
            for name in rollback.removedServices { services.removeValue(forKey: name) }
            for service in rollback.upsertedServices { services[service.name] = service }
            for route in rollback.upsertedRoutes { routes[route.name] = route }
        case .declarativeConfigApplied(let applied):
            lastDeclarativeHash = applied.sourceHash
            return
        case .proxyConnected, .proxyDisconnected, .proxyAcked, .proxyNacked:
            return
        case .tokenIssued, .tokenRevoked:
            // Folded by `TokenRegistry`: the configuration version does not move.
            return
        }
        version = seq
    }

    private mutating func upsert(_ service: consuming Service) {
        let name = service.name
        services[name] = consume service
    }

    private mutating func upsert(_ route: consuming Route) {
        let name = route.name
        routes[name] = consume route
    }

    public func applying(_ event: GatewayEvent, seq: UInt64) -> GatewayState {
        var state = self
        state.apply(event, seq: seq)
        return state
    }

    /// An observation event: the head moves, the configuration version does not.
    public mutating func skip(seq: UInt64) {
        head = seq
    }

    public var sortedServices: [Service] { services.values.sorted { $0.name < $1.name } }
    public var sortedRoutes: [Route] { routes.values.sorted { $0.name < $1.name } }
    /// Sorted by key.
    public var sortedPins: [(key: ProxyKey, version: UInt64)] {
        pins.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Sorted by key.
    public var sortedProxies: [Proxy] { proxies.values.sorted { $0.key < $1.key } }

    /// The registration whose listeners a node with this id and Envoy cluster gets
    /// (`ProxyKey.registration`); nil when it has none.
    public func registration(ofNode id: String, cluster: String) -> ProxyKey? {
        ProxyKey.registration(ofNode: id, cluster: cluster) { proxies[$0] != nil }
    }
}
