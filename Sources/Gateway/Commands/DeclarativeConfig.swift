/// A declarative file: a present section makes that kind equal to the file, an absent one leaves it alone.
public struct DeclarativeConfig: Codable, Equatable, Sendable {
    public var services: [Service]?
    public var routes: [Route]?
    public var proxies: [Proxy]?

    public init(services: [Service]? = nil, routes: [Route]? = nil, proxies: [Proxy]? = nil) {
        self.services = services
        self.routes = routes
        self.proxies = proxies
    }

    enum CodingKeys: String, CodingKey {
        case services, routes, proxies
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        services = try c.decodeIfPresent([Service].self, forKey: .services)
        routes = try c.decodeIfPresent([Route].self, forKey: .routes)
        proxies = try c.decodeIfPresent([Proxy].self, forKey: .proxies)
    }
}
