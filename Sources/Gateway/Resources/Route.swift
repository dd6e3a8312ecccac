/// A route: requests matching `match` on a listener go to a service or a weighted split.
public struct Route: Codable, Equatable, Hashable, Sendable {
    public var name: String
    public var listener: ListenerKind
    public var match: RouteMatch
    public var destination: RouteDestination
    public var timeout: ConfigDuration?
    public var retryPolicy: RetryPolicy?
    public var cors: CorsPolicy?
    public var hashPolicy: HashPolicy?
    public var mirror: RequestMirror?
    public var rateLimit: RateLimit?

    public init(
        name: String,
        listener: ListenerKind = .http,
        match: RouteMatch,
        destination: RouteDestination,
        timeout: ConfigDuration? = nil,
        retryPolicy: RetryPolicy? = nil,
        cors: CorsPolicy? = nil,
        hashPolicy: HashPolicy? = nil,
        mirror: RequestMirror? = nil,
        rateLimit: RateLimit? = nil
    ) {
        self.name = name
        self.listener = listener
        self.match = match
        self.destination = destination
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.cors = cors
        self.hashPolicy = hashPolicy
        self.mirror = mirror
        self.rateLimit = rateLimit
    }

    /// Every service this route depends on: its destination(s) and its mirror.
    public var referencedServices: [String] {
        var names = destination.serviceNames
        if let mirror { names.append(mirror.service) }
        return names
    }

    public var entity: String { "route/\(name)" }

    enum CodingKeys: String, CodingKey {
        case name, listener, match, service, weighted, timeout
        case retryPolicy = "retry_policy"
        case cors
        case hashPolicy = "hash_policy"
        case mirror
        case rateLimit = "rate_limit"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        listener = try c.decodeIfPresent(ListenerKind.self, forKey: .listener) ?? .http
        match = try c.decode(RouteMatch.self, forKey: .match)
        let service = try c.decodeIfPresent(String.self, forKey: .service)
        let weighted = try c.decodeIfPresent([WeightedService].self, forKey: .weighted)
        switch (service, weighted) {
        case (let service?, nil):
            destination = .service(service)
        case (nil, let weighted?):
            destination = .weighted(weighted)
        default:
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "route \(ValidationError.quote(name)) needs exactly one of 'service' or 'weighted'"
                )
            )
        }
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout)
        retryPolicy = try c.decodeIfPresent(RetryPolicy.self, forKey: .retryPolicy)
        cors = try c.decodeIfPresent(CorsPolicy.self, forKey: .cors)
        hashPolicy = try c.decodeIfPresent(HashPolicy.self, forKey: .hashPolicy)
        mirror = try c.decodeIfPresent(RequestMirror.self, forKey: .mirror)
        rateLimit = try c.decodeIfPresent(RateLimit.self, forKey: .rateLimit)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(listener, forKey: .listener)
        try c.encode(match, forKey: .match)
        switch destination {
        case .service(let service): try c.encode(service, forKey: .service)
        case .weighted(let entries): try c.encode(entries, forKey: .weighted)
        }
        try c.encodeIfPresent(timeout, forKey: .timeout)
        try c.encodeIfPresent(retryPolicy, forKey: .retryPolicy)
        try c.encodeIfPresent(cors, forKey: .cors)
        try c.encodeIfPresent(hashPolicy, forKey: .hashPolicy)
        try c.encodeIfPresent(mirror, forKey: .mirror)
        try c.encodeIfPresent(rateLimit, forKey: .rateLimit)
    }
}
