/// The events that make the state equal to a declarative file, in a fixed order.
struct DeclarativePlan {
    let config: DeclarativeConfig
    let sourceHash: String
    let state: GatewayState

    func events() throws(ValidationError) -> [GatewayEvent] {
        let services = try indexed(config.services, kind: "services", key: \.name) {
            service, path throws(ValidationError) in
            try Validator.check(service, at: path)
        }
        let routes = try indexed(config.routes, kind: "routes", key: \.name) { route, path throws(ValidationError) in
            try Validator.check(route, at: path)
        }
        let proxies = try indexed(config.proxies, kind: "proxies", key: \.key) { proxy, path throws(ValidationError) in
            try Validator.check(proxy, at: path)
        }

        var events: [GatewayEvent] = []
        var added = 0
        var changed = 0
        var removed = 0

        if let services {
            for name in services.keys.sorted() {
                let service = services[name]!
                switch state.services[name] {
                case nil:
                    events.append(.serviceRegistered(service))
                    added += 1
                case let existing? where existing != service:
                    events.append(.serviceUpdated(service))
                    changed += 1
                default: break
                }
            }
        }
        if let routes {
            for name in routes.keys.sorted() {
                let route = routes[name]!
                switch state.routes[name] {
                case nil:
                    events.append(.routeAdded(route))
                    added += 1
                case let existing? where existing != route:
                    events.append(.routeChanged(route))
                    changed += 1
                default: break
                }
            }
            for name in state.routes.keys.sorted() where routes[name] == nil {
                events.append(.routeRemoved(name: name))
                removed += 1
            }
        }
        if let services {
            for name in state.services.keys.sorted() where services[name] == nil {
                events.append(.serviceRemoved(name: name))
                removed += 1
            }
        }
        if let proxies {
            for key in proxies.keys.sorted() {
                let proxy = proxies[key]!
                switch state.proxies[key] {
                case nil:
                    events.append(.proxyRegistered(proxy))
                    added += 1
                case let existing? where existing != proxy:
                    events.append(.proxyRegistered(proxy))
                    changed += 1
                default: break
                }
            }
            for key in state.proxies.keys.sorted() where proxies[key] == nil {
                events.append(.proxyDeregistered(key: key))
                removed += 1
            }
        }
        guard !events.isEmpty else { return [] }
        let summary = "\(added) added, \(changed) changed, \(removed) removed"
        events.append(.declarativeConfigApplied(DeclarativeApplied(sourceHash: sourceHash, summary: summary)))
        return events
    }

    /// Checks each resource of a present section and indexes it, refusing names that appear twice in the file.
    private func indexed<Resource>(
        _ resources: [Resource]?,
        kind: String,
        key: (Resource) -> String,
        check: (Resource, String) throws(ValidationError) -> Void
    ) throws(ValidationError) -> [String: Resource]? {
        guard let resources else { return nil }
        var index: [String: Resource] = [:]
        for resource in resources {
            let name = key(resource)
            // The name is checked below; until then it is shown escaped and cut.
            let path = "\(kind)[\(ValidationError.bare(name))]"
            guard index[name] == nil else {
                throw ValidationError(
                    code: .duplicate, field: path, message: "\(ValidationError.quote(name)) appears twice in \(kind)")
            }
            try check(resource, path)
            index[name] = resource
        }
        return index
    }
}
