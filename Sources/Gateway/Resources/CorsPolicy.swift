/// CORS policy of a route.
public struct CorsPolicy: Codable, Equatable, Hashable, Sendable {
    public var allowOrigins: [String]
    public var allowMethods: [String]
    public var allowHeaders: [String]
    public var exposeHeaders: [String]
    public var maxAge: ConfigDuration?
    public var allowCredentials: Bool

    public init(
        allowOrigins: [String],
        allowMethods: [String] = [],
        allowHeaders: [String] = [],
        exposeHeaders: [String] = [],
        maxAge: ConfigDuration? = nil,
        allowCredentials: Bool = false
    ) {
        self.allowOrigins = allowOrigins
        self.allowMethods = allowMethods
        self.allowHeaders = allowHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAge = maxAge
        self.allowCredentials = allowCredentials
    }

    enum CodingKeys: String, CodingKey {
        case allowOrigins = "allow_origins"
        case allowMethods = "allow_methods"
        case allowHeaders = "allow_headers"
        case exposeHeaders = "expose_headers"
        case maxAge = "max_age"
        case allowCredentials = "allow_credentials"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allowOrigins = try c.decode([String].self, forKey: .allowOrigins)
        allowMethods = try c.decodeIfPresent([String].self, forKey: .allowMethods) ?? []
        allowHeaders = try c.decodeIfPresent([String].self, forKey: .allowHeaders) ?? []
        exposeHeaders = try c.decodeIfPresent([String].self, forKey: .exposeHeaders) ?? []
        maxAge = try c.decodeIfPresent(ConfigDuration.self, forKey: .maxAge)
        allowCredentials = try c.decodeIfPresent(Bool.self, forKey: .allowCredentials) ?? false
    }
}
