/// Everything that can happen to the gateway's configuration; each case is one appended event.
public enum GatewayEvent: Equatable, Sendable {
    case serviceRegistered(Service)
    case serviceUpdated(Service)
    case serviceRemoved(name: String)
    case routeAdded(Route)
    case routeChanged(Route)
    case routeRemoved(name: String)
    case proxyRegistered(Proxy)
    case proxyDeregistered(key: ProxyKey)
    case configRolledBack(ConfigRollback)
    case declarativeConfigApplied(DeclarativeApplied)
    /// The xDS server serves the proxy or fleet with this `Proxy.key` exactly the resources of `version`.
    case proxyPinned(key: ProxyKey, version: UInt64)
    case proxyUnpinned(key: ProxyKey)
    /// Observations (kind `.observation`): what proxies did, batched, never configuration.
    case proxyConnected(nodes: [ConnectedNode])
    case proxyDisconnected(nodes: [String])
    case proxyAcked(ProxyAck)
    case proxyNacked(ProxyNack)
    /// Access (configuration kind, but not configuration): a bearer token and its revocation.
    case tokenIssued(TokenGrant)
    case tokenRevoked(name: String)

    /// The one switch that describes events: each one's type, its payload (binary and JSON), the
    /// entities it concerns and its summary. The name, schema version, kind, payload bytes, JSON,
    /// entities and summary below all derive from it; decoding derives from `EventType.row`.
    /// `entities` and `summary` are closures, so asking for one part computes only that part.
    @inline(__always)
    func describe<Result>(
        _ body: (EventType, any EventPayload, () -> [String], () -> String) -> Result
    ) -> Result {
        switch self {
        case .serviceRegistered(let service):
            body(.serviceRegistered, service, { [service.entity] }) {
                "service \(service.name) registered (\(Self.count(service.endpoints.count, "endpoint")))"
            }
        case .serviceUpdated(let service):
            body(.serviceUpdated, service, { [service.entity] }) {
                "service \(service.name) updated (\(Self.count(service.endpoints.count, "endpoint")))"
            }
        case .serviceRemoved(let name):
            body(.serviceRemoved, Field("name", name), { ["service/\(name)"] }) { "service \(name) removed" }
        case .routeAdded(let route):
            body(.routeAdded, RouteEvent(route), { [route.entity] }) {
                "route \(route.name) added (\(Self.describe(route)))"
            }
        case .routeChanged(let route):
            body(.routeChanged, RouteEvent(route), { [route.entity] }) {
                "route \(route.name) changed (\(Self.describe(route)))"
            }
        case .routeRemoved(let name):
            body(.routeRemoved, Field("name", name), { ["route/\(name)"] }) { "route \(name) removed" }
        case .proxyRegistered(let proxy):
            body(.proxyRegistered, proxy, { [proxy.entity] }) {
                "\(proxy.id != nil ? "proxy" : "fleet") \(proxy.id ?? proxy.cluster ?? "") registered"
            }
        case .proxyDeregistered(let key):
            body(.proxyDeregistered, Field("key", key), { [key.entity] }) {
                "\(Self.describe(key: key)) deregistered"
            }
        case .configRolledBack(let rollback):
            body(.configRolledBack, rollback, { rollback.entities }) {
                "configuration rolled back to version \(rollback.targetVersion): \(rollback.reason)"
            }
        case .declarativeConfigApplied(let applied):
            body(.declarativeConfigApplied, applied, { ["config/declarative"] }) {
                "declarative config applied: \(applied.summary)"
            }
        case .proxyPinned(let key, let version):
            body(.proxyPinned, PinPayload(key: key, version: version), { [key.entity] }) {
                "\(Self.describe(key: key)) pinned to version \(version)"
            }
        case .proxyUnpinned(let key):
            body(.proxyUnpinned, Field("key", key), { [key.entity] }) {
                "\(Self.describe(key: key)) unpinned"
            }
        case .proxyConnected(let nodes):
            body(.proxyConnected, Field("nodes", nodes), { nodes.map { Self.nodeEntity($0.id) } }) {
                if nodes.count == 1, let node = nodes.first {
                    "node \(node.id) connected" + (node.cluster.isEmpty ? "" : " (cluster \(node.cluster))")
                } else {
                    "\(Self.describe(nodes: nodes.map(\.id))) connected"
                }
            }
        case .proxyDisconnected(let nodes):
            body(.proxyDisconnected, Field("nodes", nodes), { nodes.map(Self.nodeEntity) }) {
                "\(Self.describe(nodes: nodes)) disconnected"
            }
        case .proxyAcked(let ack):
            body(.proxyAcked, ack, { ack.nodes.map(Self.nodeEntity) }) {
                "\(Self.describe(nodes: ack.nodes)) acked \(Self.shortType(ack.typeURL)) version \(ack.version)"
            }
        case .proxyNacked(let nack):
            body(.proxyNacked, nack, { nack.nodes.map(Self.nodeEntity) }) {
                "\(Self.describe(nodes: nack.nodes)) rejected \(Self.shortType(nack.typeURL)) version \(nack.version): "
                    + Self.oneLine(nack.message, limit: 160)
            }
        case .tokenIssued(let grant):
            body(.tokenIssued, grant, { [Self.tokenEntity(grant.name), Self.tokensEntity] }) {
                "token \(grant.name) issued (\(grant.role.rawValue)) by \(grant.issuer)"
            }
        case .tokenRevoked(let name):
            body(.tokenRevoked, Field("name", name), { [Self.tokenEntity(name), Self.tokensEntity] }) {
                "token \(name) revoked"
            }
        }
    }

    /// The event's type.
    public var eventType: EventType { describe { type, _, _, _ in type } }

    /// The type name stored in the envelope.
    public var type: String { eventType.name }

    /// The schema version this build writes for the event's type.
    public var schemaVersion: UInt16 { eventType.schemaVersion }

    /// The schema version this build writes for `type`; nil for an unknown type.
    public static func currentSchemaVersion(for type: String) -> UInt16? {
        EventType.currentSchemaVersion(for: type)
    }

    /// Observations record what proxies did; everything else is configuration.
    public var kind: EventKind { eventType.kind }

    /// The entities an event concerns, for the log's by-entity index.
    public var entities: [String] { describe { _, _, entities, _ in entities() } }

    /// The by-entity index key of what one Envoy node did (registered or not, proxy or fleet member).
    public static func nodeEntity(_ id: String) -> String { "node/\(id)" }

    /// The by-entity index key of one token's events.
    public static func tokenEntity(_ name: String) -> String { "token/\(name)" }

    /// The by-entity key every token event also carries, so the registry folds through the index.
    public static let tokensEntity = "tokens"

    /// False for the marker that closes a declarative apply (its changes are the events before
    /// it) and for observations.
    public var changesConfiguration: Bool { eventType.row.changesConfiguration }

    /// One line for humans.
    public var summary: String { describe { _, _, _, summary in summary() } }

    /// `proxy proxy-1` or `fleet edge`.
    private static func describe(key: ProxyKey) -> String {
        key.entity.replacingOccurrences(of: "/", with: " ")
    }

    /// `node a`, `nodes a, b, c`, or `1000 nodes (a, b, c and 997 more)`: a summary stays one short line.
    private static func describe(nodes: [String]) -> String {
        switch nodes.count {
        case 1: "node \(nodes[0])"
        case 0...3: "nodes " + nodes.joined(separator: ", ")
        default: "\(nodes.count) nodes (\(nodes.prefix(3).joined(separator: ", ")) and \(nodes.count - 3) more)"
        }
    }

    /// `Cluster` for `type.googleapis.com/envoy.config.cluster.v3.Cluster`.
    private static func shortType(_ typeURL: String) -> String {
        typeURL.split(separator: ".").last.map(String.init) ?? typeURL
    }

    private static func oneLine(_ text: String, limit: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > limit ? flat.prefix(limit) + "…" : flat
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
