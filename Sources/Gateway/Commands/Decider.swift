/// Validates a command against the current state and returns the events it produces (none for a no-op).
public enum Decider {
    static let maxReasonLength = 1000

    public static func decide(_ command: GatewayCommand, state: GatewayState) throws(ValidationError) -> [GatewayEvent]
    {
        let events: [GatewayEvent]
        switch command {
        case .registerService(let service): events = try register(service, state: state)
        case .updateService(let service): events = try update(service, state: state)
        case .removeService(let name): events = try removeService(name, state: state)
        case .addRoute(let route): events = try add(route, state: state)
        case .changeRoute(let route): events = try change(route, state: state)
        case .removeRoute(let name): events = try removeRoute(name, state: state)
        case .registerProxy(let proxy): events = try register(proxy, state: state)
        case .updateProxy(let proxy): events = try update(proxy, state: state)
        case .deregisterProxy(let key): events = try deregister(key, state: state)
        case .pinProxy(let key, let version, let target):
            events = try pin(key, to: version, target: target, state: state)
        case .unpinProxy(let key): events = try unpin(key, state: state)
        case .rollback(let version, let reason, let target):
            events = try rollback(to: version, reason: reason, target: target, state: state)
        case .applyDeclarative(let config, let sourceHash):
            events = try DeclarativePlan(config: config, sourceHash: sourceHash, state: state).events()
        }
        try checkResult(of: events, on: state)
        return events
    }

    // MARK: Services

    static func register(_ service: Service, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        if state.services[service.name] != nil {
            throw ValidationError(
                code: .duplicate,
                field: "service.name",
                message: "service \(ValidationError.quote(service.name)) already exists"
            )
        }
        try Validator.check(service, at: "service")
        return [.serviceRegistered(service)]
    }

    static func update(_ service: Service, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        guard let existing = state.services[service.name] else { throw notFound("service", service.name) }
        if existing == service { return [] }
        try Validator.check(service, at: "service")
        return [.serviceUpdated(service)]
    }

    static func removeService(_ name: String, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        guard state.services[name] != nil else { throw notFound("service", name) }
        let users = state.routes.values.filter { $0.referencedServices.contains(name) }.map(\.name).sorted()
        if !users.isEmpty {
            // At most five names, so the message stays short however many routes use it.
            var list = users.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            if users.count > 5 { list += " and \(users.count - 5) more" }
            throw ValidationError(
                code: .inUse,
                field: "service",
                message:
                    "service \(ValidationError.quote(name)) is still used by route\(users.count == 1 ? "" : "s") "
                    + list
            )
        }
        return [.serviceRemoved(name: name)]
    }

    // MARK: Routes

    static func add(_ route: Route, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        if state.routes[route.name] != nil {
            throw ValidationError(
                code: .duplicate, field: "route.name",
                message: "route \(ValidationError.quote(route.name)) already exists")
        }
        try check(route, state: state)
        return [.routeAdded(route)]
    }

    static func change(_ route: Route, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        guard let existing = state.routes[route.name] else { throw notFound("route", route.name) }
        if existing == route { return [] }
        try check(route, state: state)
        return [.routeChanged(route)]
    }

    /// The route itself, then its references. A route event leaves the services as they are, so
    /// this is the one reference check a route command gets (`checkResult` does not repeat it).
    private static func check(_ route: Route, state: GatewayState) throws(ValidationError) {
        try Validator.check(route, at: "route")
        try Validator.checkReferences(of: route, services: state.services, previous: GatewayState(), at: "route")
    }

    static func removeRoute(_ name: String, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        guard state.routes[name] != nil else { throw notFound("route", name) }
        return [.routeRemoved(name: name)]
    }

    // MARK: Proxies

    static func register(_ proxy: Proxy, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        try Validator.check(proxy, at: "proxy")
        if state.proxies[proxy.key] != nil {
            throw ValidationError(
                code: .duplicate, field: "proxy", message: "\(shown(proxy.entity)) is already registered")
        }
        return [.proxyRegistered(proxy)]
    }

    static func update(_ proxy: Proxy, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        guard let existing = state.proxies[proxy.key] else {
            throw ValidationError(code: .notFound, field: "proxy", message: "\(shown(proxy.entity)) is not registered")
        }
        if existing == proxy { return [] }
        try Validator.check(proxy, at: "proxy")
        return [.proxyRegistered(proxy)]
    }

    static func deregister(_ key: ProxyKey, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        try requireRegistered(key, in: state)
        return [.proxyDeregistered(key: key)]
    }

    static func unpin(_ key: ProxyKey, state: GatewayState) throws(ValidationError) -> [GatewayEvent] {
        try requireRegistered(key, in: state)
        guard state.pins[key] != nil else {
            throw ValidationError(
                code: .notFound, field: "pin", message: "\(shown(key.entity)) is not pinned")
        }
        return [.proxyUnpinned(key: key)]
    }

    /// No command may leave a state with dangling references or colliding ports.
    static func checkResult(of events: [GatewayEvent], on state: GatewayState) throws(ValidationError) {
        guard !events.isEmpty else { return }
        // One event on a valid state can break only what it touches. Checking just that, without
        // building the next state (a copy of every route), keeps a command's cost independent of
        // how many routes exist.
        if events.count == 1 {
            switch events[0] {
            case .routeAdded, .routeChanged:
                return  // `decide` checked its references, and a route event leaves the services as they are
            case .proxyRegistered(let proxy):
                var proxies = state.proxies
                proxies[proxy.key] = proxy
                return try Validator.checkPortCollisions(proxies.values.sorted { $0.key < $1.key })
            case .serviceRemoved:
                return  // `decide` refused it already if a route uses the service
            case .serviceRegistered, .serviceUpdated, .routeRemoved, .proxyDeregistered, .proxyPinned, .proxyUnpinned:
                return  // none of these can leave a reference dangling or make ports collide
            case let event where !event.changesConfiguration:
                return  // observations and the declarative marker
            default:
                break  // a rollback, or a type without a shortcut here: check the whole next state
            }
        }
        var next = state
        for (offset, event) in events.enumerated() { next.apply(event, seq: state.head + UInt64(offset) + 1) }
        try Validator.checkState(next, previous: state)
    }

    static func rollback(
        to version: UInt64,
        reason: String,
        target: GatewayState,
        state: GatewayState
    ) throws(ValidationError) -> [GatewayEvent] {
        guard version >= 1, version <= state.head else {
            throw .invalid("version", "cannot roll back to version \(version): the log holds versions 1..\(state.head)")
        }
        guard !reason.allSatisfy(\.isWhitespace) else {
            throw .invalid("reason", "a rollback needs a reason")
        }
        // The reason is one line of the audit trail, and it is read by people.
        try Validator.checkNoControls(reason, at: "reason")
        guard reason.count <= Self.maxReasonLength else {
            throw .invalid("reason", "a rollback reason is at most \(Self.maxReasonLength) characters")
        }
        let rollback = ConfigRollback(
            targetVersion: version,
            reason: reason,
            upsertedServices: target.sortedServices.filter { state.services[$0.name] != $0 },
            removedServices: state.services.keys.filter { target.services[$0] == nil }.sorted(),
            upsertedRoutes: target.sortedRoutes.filter { state.routes[$0.name] != $0 },
            removedRoutes: state.routes.keys.filter { target.routes[$0] == nil }.sorted()
        )
        let unchanged =
            rollback.upsertedServices.isEmpty && rollback.removedServices.isEmpty
            && rollback.upsertedRoutes.isEmpty && rollback.removedRoutes.isEmpty
        return unchanged ? [] : [.configRolledBack(rollback)]
    }

    /// A pin names a configuration version: one whose event changed the configuration (the
    /// state right after it has that version), at which the proxy was already registered, so
    /// what it is served still has its listeners.
    static func pin(
        _ key: ProxyKey, to version: UInt64, target: GatewayState, state: GatewayState
    ) throws(ValidationError) -> [GatewayEvent] {
        try requireRegistered(key, in: state)
        guard version >= 1, version <= state.version else {
            throw .invalid(
                "version",
                "cannot pin to version \(version): the configuration versions are 1..\(state.version)")
        }
        guard target.version == version else {
            throw .invalid(
                "version",
                "event \(version) did not change the configuration, so it is not a version to pin to; "
                    + "GET /versions lists them")
        }
        guard target.proxies[key] != nil else {
            throw .invalid(
                "version",
                "\(shown(key.entity)) was not registered at version \(version), "
                    + "so it would get no listeners")
        }
        if state.pins[key] == version { return [] }
        return [.proxyPinned(key: key, version: version)]
    }

    private static func requireRegistered(_ key: ProxyKey, in state: GatewayState) throws(ValidationError) {
        guard state.proxies[key] != nil else {
            throw ValidationError(
                code: .notFound, field: "proxy", message: "\(shown(key.entity)) is not registered")
        }
    }

    private static func notFound(_ kind: String, _ name: String) -> ValidationError {
        ValidationError(code: .notFound, field: kind, message: "\(kind) \(ValidationError.quote(name)) does not exist")
    }

    /// An entity (proxy/<key>) whose key the caller gave: escaped and cut like any quoted input.
    private static func shown(_ entity: String) -> String { ValidationError.bare(entity) }
}
