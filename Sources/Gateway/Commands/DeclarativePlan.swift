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

        var counts = Counts()
        let serviceEvents = diff(
            services, state.services, counts: &counts, added: GatewayEvent.serviceRegistered,
            changed: GatewayEvent.serviceUpdated, removed: { .serviceRemoved(name: $0) })
        let routeEvents = diff(
            routes, state.routes, counts: &counts, added: GatewayEvent.routeAdded, changed: GatewayEvent.routeChanged,
            removed: { .routeRemoved(name: $0) })
        let proxyEvents = diff(
            proxies, state.proxies, counts: &counts, added: GatewayEvent.proxyRegistered,
            changed: GatewayEvent.proxyRegistered, removed: { .proxyDeregistered(key: $0) })
        // Services come before the routes that use them, and go after the routes that used them.
        var events = serviceEvents.upserts + routeEvents.upserts + routeEvents.removals + serviceEvents.removals
        events += proxyEvents.upserts + proxyEvents.removals
        guard !events.isEmpty else { return [] }
        let summary = "\(counts.added) added, \(counts.changed) changed, \(counts.removed) removed"
        events.append(.declarativeConfigApplied(DeclarativeApplied(sourceHash: sourceHash, summary: summary)))
        return events
    }

    private struct Counts {
        var added = 0
        var changed = 0
        var removed = 0
    }

    /// The events that make `current` equal to `desired` (nil: the file has no such section, so
    /// nothing changes): upserts in key order, then removals in key order, kept apart so the
    /// caller can order them across kinds.
    private func diff<Key: Comparable, Resource: Equatable>(
        _ desired: [Key: Resource]?,
        _ current: [Key: Resource],
        counts: inout Counts,
        added: (Resource) -> GatewayEvent,
        changed: (Resource) -> GatewayEvent,
        removed: (Key) -> GatewayEvent
    ) -> (upserts: [GatewayEvent], removals: [GatewayEvent]) {
        guard let desired else { return ([], []) }
        var upserts: [GatewayEvent] = []
        for key in desired.keys.sorted() {
            let resource = desired[key]!
            switch current[key] {
            case nil:
                upserts.append(added(resource))
                counts.added += 1
            case let existing? where existing != resource:
                upserts.append(changed(resource))
                counts.changed += 1
            default: break
            }
        }
        let removals = current.keys.sorted().filter { desired[$0] == nil }.map(removed)
        counts.removed += removals.count
        return (upserts, removals)
    }

    /// Checks each resource of a present section and indexes it, refusing names that appear twice in the file.
    private func indexed<Key: Hashable & CustomStringConvertible, Resource>(
        _ resources: [Resource]?,
        kind: String,
        key: (Resource) -> Key,
        check: (Resource, String) throws(ValidationError) -> Void
    ) throws(ValidationError) -> [Key: Resource]? {
        guard let resources else { return nil }
        var index: [Key: Resource] = [:]
        for resource in resources {
            let key = key(resource)
            let name = key.description
            // The name is checked below; until then it is shown escaped and cut.
            let path = "\(kind)[\(ValidationError.bare(name))]"
            guard index[key] == nil else {
                throw ValidationError(
                    code: .duplicate, field: path, message: "\(ValidationError.quote(name)) appears twice in \(kind)")
            }
            try check(resource, path)
            index[key] = resource
        }
        return index
    }
}
