/// An Envoy proxy (by node id) or a fleet (by node cluster) and the ports its listeners use.
public struct Proxy: Codable, Equatable, Hashable, Sendable {
    public var id: String?
    public var cluster: String?
    public var host: String?
    public var httpPort: Int?
    public var grpcPort: Int?
    public var adminPort: Int?

    public init(
        id: String? = nil,
        cluster: String? = nil,
        host: String? = nil,
        httpPort: Int? = nil,
        grpcPort: Int? = nil,
        adminPort: Int? = nil
    ) {
        self.id = id
        self.cluster = cluster
        self.host = host
        self.httpPort = httpPort
        self.grpcPort = grpcPort
        self.adminPort = adminPort
    }

    /// The state key: the node id for a proxy, the node cluster for a fleet.
    public var key: ProxyKey {
        if let id { return .node(id) }
        return .fleet(cluster ?? "")
    }

    /// `proxy/<id>` or `fleet/<name>`.
    public var entity: String { key.entity }

    /// The declared ports with their JSON field names, in a fixed order.
    var declaredPorts: [(field: String, port: Int)] {
        var ports: [(String, Int)] = []
        if let httpPort { ports.append(("http_port", httpPort)) }
        if let grpcPort { ports.append(("grpc_port", grpcPort)) }
        if let adminPort { ports.append(("admin_port", adminPort)) }
        return ports
    }

    enum CodingKeys: String, CodingKey {
        case id, cluster, host
        case httpPort = "http_port"
        case grpcPort = "grpc_port"
        case adminPort = "admin_port"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
        host = try c.decodeIfPresent(String.self, forKey: .host)
        httpPort = try c.decodeIfPresent(Int.self, forKey: .httpPort)
        grpcPort = try c.decodeIfPresent(Int.self, forKey: .grpcPort)
        adminPort = try c.decodeIfPresent(Int.self, forKey: .adminPort)
    }
}
