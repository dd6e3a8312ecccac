/// Validates a command against the current state and returns the events it produces (none for a no-op).
public enum Decider {
    static let maxReasonLength = 1000

    public static func decide(_ command: GatewayCommand, state: GatewayState) throws(ValidationError) -> [GatewayEvent]
    {
        let events: [GatewayEvent]
        switch command {
        case .registerService(let service):
            if state.services[service.name] != nil {
                throw ValidationError(
                    code: .duplicate,
                    field: "service.name",
                    message: "service \(ValidationError.quote(service.name)) already exists"
                )
            }
            try Validator.check(service, at: "service")
            events = [.serviceRegistered(service)]

        case .updateService(let service):
            guard let existing = state.services[service.name] else { throw notFound("service", service.name) }
            if existing == service { return [] }
            try Validator.check(service, at: "service")
            events = [.serviceUpdated(service)]

        case .removeService(let name):
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
            events = [.serviceRemoved(name: name)]

        case .addRoute(let route):
            if state.routes[route.name] != nil {
                throw ValidationError(
                    code: .duplicate, field: "route.name",
                    message: "route \(ValidationError.quote(route.name)) already exists")
            }
            try Validator.check(route, at: "route")
            try Validator.checkReferences(of: route, services: state.services, previous: GatewayState(), at: "route")
            events = [.routeAdded(route)]

        case .changeRoute(let route):
            guard let existing = state.routes[route.name] else { throw notFound("route", route.name) }
            if existing == route { return [] }
            try Validator.check(route, at: "route")
            try Validator.checkReferences(of: route, services: state.services, previous: GatewayState(), at: "route")
            events = [.routeChanged(route)]

        case .removeRoute(let name):
            guard state.routes[name] != nil else { throw notFound("route", name) }
            events = [.routeRemoved(name: name)]

        case .registerProxy(let proxy):
            try Validator.check(proxy, at: "proxy")
            if state.proxies[proxy.key] != nil {
                throw ValidationError(
                    code: .duplicate, field: "proxy", message: "\(shown(proxy.entity)) is already registered")
            }
            events = [.proxyRegistered(proxy)]

        case .updateProxy(let proxy):
            guard let existing = state.proxies[proxy.key] else {
                throw ValidationError(
                    code: .notFound, field: "proxy", message: "\(shown(proxy.entity)) is not registered")
            }
            if existing == proxy { return [] }
            try Validator.check(proxy, at: "proxy")
            events = [.proxyRegistered(proxy)]

        case .deregisterProxy(let key):
            try requireRegistered(key, in: state)
            events = [.proxyDeregistered(key: key)]

        case .pinProxy(let key, let version, let target):
            events = try pin(key, to: version, target: target, state: state)

        case .unpinProxy(let key):
            try requireRegistered(key, in: state)
            guard state.pins[key] != nil else {
                throw ValidationError(
                    code: .notFound, field: "pin", message: "\(shown(Proxy.entity(forKey: key))) is not pinned")
            }
            events = [.proxyUnpinned(key: key)]

        case .rollback(let version, let reason, let target):
            events = try rollback(to: version, reason: reason, target: target, state: state)

        case .applyDeclarative(let config, let sourceHash):
            events = try DeclarativePlan(config: config, sourceHash: sourceHash, state: state).events()
        }
        try checkResult(of: events, on: state)
        return events
    }

    /// No command may leave a state with dangling references or colliding ports.
    static func checkResult(of events: [GatewayEvent], on state: GatewayState) throws(ValidationError) {
        guard !events.isEmpty else { return }
        // One event on a valid state can break only what it touches. Checking just that, without
        // building the next state (a copy of every route), keeps a command's cost independent of
        // how many routes exist.
        if events.count == 1 {
            switch events[0] {
            case .routeAdded(let route), .routeChanged(let route):
                // A route event leaves the services as they are.
                return try Validator.checkReferences(
                    of: route, services: state.services, previous: state, at: "routes[\(route.name)]")
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
        _ key: String, to version: UInt64, target: GatewayState, state: GatewayState
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
                "\(shown(Proxy.entity(forKey: key))) was not registered at version \(version), "
                    + "so it would get no listeners")
        }
        if state.pins[key] == version { return [] }
        return [.proxyPinned(key: key, version: version)]
    }

    private static func requireRegistered(_ key: String, in state: GatewayState) throws(ValidationError) {
        guard state.proxies[key] != nil else {
            throw ValidationError(
                code: .notFound, field: "proxy", message: "\(shown(Proxy.entity(forKey: key))) is not registered")
        }
    }

    private static func notFound(_ kind: String, _ name: String) -> ValidationError {
        ValidationError(code: .notFound, field: kind, message: "\(kind) \(ValidationError.quote(name)) does not exist")
    }

    /// An entity (proxy/<key>) whose key the caller gave: escaped and cut like any quoted input.
    private static func shown(_ entity: String) -> String { ValidationError.bare(entity) }
}
