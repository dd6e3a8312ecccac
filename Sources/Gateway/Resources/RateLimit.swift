/// Local rate limiting on one route: each Envoy admits `requests` per `per` interval (a token
/// bucket refilled every `per`), and answers 429 beyond that. `burst` is the bucket's size.
public struct RateLimit: Codable, Equatable, Hashable, Sendable {
    public var requests: Int
    public var per: ConfigDuration
    public var burst: Int?

    public init(requests: Int, per: ConfigDuration, burst: Int? = nil) {
        self.requests = requests
        self.per = per
        self.burst = burst
    }

    /// How many requests may arrive at once: the bucket starts full.
    public var bucketSize: Int { burst ?? requests }

    enum CodingKeys: String, CodingKey {
        case requests, per, burst
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        requests = try c.decode(Int.self, forKey: .requests)
        per = try c.decode(ConfigDuration.self, forKey: .per)
        burst = try c.decodeIfPresent(Int.self, forKey: .burst)
    }
}
