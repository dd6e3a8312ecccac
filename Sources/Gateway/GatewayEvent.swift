/// Everything that can happen to the gateway's configuration; each case is one appended event.
public enum GatewayEvent: Equatable, Sendable {
    case serviceRegistered(Service)
    case serviceUpdated(Service)
    case serviceRemoved(name: String)
    case routeAdded(Route)
    case routeChanged(Route)
    case routeRemoved(name: String)
    case proxyRegistered(Proxy)
    case proxyDeregistered(key: String)
    case configRolledBack(ConfigRollback)
    case declarativeConfigApplied(DeclarativeApplied)

    /// The type name stored in the envelope.
    public var type: String {
        switch self {
        case .serviceRegistered: EventType.serviceRegistered
        case .serviceUpdated: EventType.serviceUpdated
        case .serviceRemoved: EventType.serviceRemoved
        case .routeAdded: EventType.routeAdded
        case .routeChanged: EventType.routeChanged
        case .routeRemoved: EventType.routeRemoved
        case .proxyRegistered: EventType.proxyRegistered
        case .proxyDeregistered: EventType.proxyDeregistered
        case .configRolledBack: EventType.configRolledBack
        case .declarativeConfigApplied: EventType.declarativeConfigApplied
        }
    }

    /// The schema version this build writes for the event's type.
    public var schemaVersion: UInt16 {
        EventType.currentSchemaVersion(for: type) ?? 0
    }

    /// The schema version this build writes for `type`; nil for an unknown type.
    public static func currentSchemaVersion(for type: String) -> UInt16? {
        EventType.currentSchemaVersion(for: type)
    }

    /// Every case today is configuration; observation events (proxy connected, ACK, NACK) come later.
    public var kind: EventKind { .configuration }

    /// The entities an event concerns, for the log's by-entity index.
    public var entities: [String] {
        switch self {
        case .serviceRegistered(let service), .serviceUpdated(let service): [service.entity]
        case .serviceRemoved(let name): ["service/\(name)"]
        case .routeAdded(let route), .routeChanged(let route): [route.entity]
        case .routeRemoved(let name): ["route/\(name)"]
        case .proxyRegistered(let proxy): [proxy.entity]
        case .proxyDeregistered(let key): [Proxy.entity(forKey: key)]
        case .configRolledBack(let rollback): rollback.entities
        case .declarativeConfigApplied: ["config/declarative"]
        }
    }

    /// False only for the marker that closes a declarative apply: its changes are the events before it.
    public var changesConfiguration: Bool {
        if case .declarativeConfigApplied = self { return false }
        return true
    }

    /// One line for humans.
    public var summary: String {
        switch self {
        case .serviceRegistered(let service):
            "service \(service.name) registered (\(Self.count(service.endpoints.count, "endpoint")))"
        case .serviceUpdated(let service):
            "service \(service.name) updated (\(Self.count(service.endpoints.count, "endpoint")))"
        case .serviceRemoved(let name):
            "service \(name) removed"
        case .routeAdded(let route):
            "route \(route.name) added (\(Self.describe(route)))"
        case .routeChanged(let route):
            "route \(route.name) changed (\(Self.describe(route)))"
        case .routeRemoved(let name):
            "route \(name) removed"
        case .proxyRegistered(let proxy):
            "\(proxy.id != nil ? "proxy" : "fleet") \(proxy.id ?? proxy.cluster ?? "") registered"
        case .proxyDeregistered(let key):
            "\(Proxy.entity(forKey: key).replacingOccurrences(of: "/", with: " ")) deregistered"
        case .configRolledBack(let rollback):
            "configuration rolled back to version \(rollback.targetVersion): \(rollback.reason)"
        case .declarativeConfigApplied(let applied):
            "declarative config applied: \(applied.summary)"
        }
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }

    private static func describe(_ route: Route) -> String {
        let match =
            route.match.prefix.map { "prefix \($0)" } ?? route.match.path.map { "path \($0)" }
            ?? route.match.regex.map { "regex \($0)" } ?? "no match"
        switch route.destination {
        case .service(let service): return "\(match) -> \(service)"
        case .weighted(let entries):
            return "\(match) -> " + entries.map { "\($0.service) \($0.weight)%" }.joined(separator: ", ")
        }
    }
}

extension Proxy {
    /// The entity of a proxy or fleet given its state key.
    public static func entity(forKey key: String) -> String {
        key.hasPrefix("cluster:") ? "fleet/\(key.dropFirst("cluster:".count))" : "proxy/\(key)"
    }
}
