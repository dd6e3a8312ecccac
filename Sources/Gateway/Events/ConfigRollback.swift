/// A rollback carries its effect (sorted by name), so folding it never needs to read history.
public struct ConfigRollback: Codable, Equatable, Hashable, Sendable {
    public var targetVersion: UInt64
    public var reason: String
    public var upsertedServices: [Service]
    public var removedServices: [String]
    public var upsertedRoutes: [Route]
    public var removedRoutes: [String]

    public init(
        targetVersion: UInt64,
        reason: String,
        upsertedServices: [Service] = [],
        removedServices: [String] = [],
        upsertedRoutes: [Route] = [],
        removedRoutes: [String] = []
    ) {
        self.targetVersion = targetVersion
        self.reason = reason
        self.upsertedServices = upsertedServices
        self.removedServices = removedServices
        self.upsertedRoutes = upsertedRoutes
        self.removedRoutes = removedRoutes
    }

    /// Every entity the rollback touches, sorted.
    public var entities: [String] {
        let services = upsertedServices.map(\.name) + removedServices
        let routes = upsertedRoutes.map(\.name) + removedRoutes
        return (services.map { "service/\($0)" } + routes.map { "route/\($0)" }).sorted()
    }

    enum CodingKeys: String, CodingKey {
        case targetVersion = "target_version"
        case reason
        case upsertedServices = "upserted_services"
        case removedServices = "removed_services"
        case upsertedRoutes = "upserted_routes"
        case removedRoutes = "removed_routes"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        targetVersion = try c.decode(UInt64.self, forKey: .targetVersion)
        reason = try c.decode(String.self, forKey: .reason)
        upsertedServices = try c.decodeIfPresent([Service].self, forKey: .upsertedServices) ?? []
        removedServices = try c.decodeIfPresent([String].self, forKey: .removedServices) ?? []
        upsertedRoutes = try c.decodeIfPresent([Route].self, forKey: .upsertedRoutes) ?? []
        removedRoutes = try c.decodeIfPresent([String].self, forKey: .removedRoutes) ?? []
    }
}
