/// Envoy retry policy of a route; `retryOn` is Envoy's comma-separated x-envoy-retry-on list.
public struct RetryPolicy: Codable, Equatable, Hashable, Sendable {
    public var retryOn: String
    public var numRetries: Int
    public var perTryTimeout: ConfigDuration?

    public init(retryOn: String = "5xx", numRetries: Int = 1, perTryTimeout: ConfigDuration? = nil) {
        self.retryOn = retryOn
        self.numRetries = numRetries
        self.perTryTimeout = perTryTimeout
    }

    enum CodingKeys: String, CodingKey {
        case retryOn = "retry_on"
        case numRetries = "num_retries"
        case perTryTimeout = "per_try_timeout"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retryOn = try c.decodeIfPresent(String.self, forKey: .retryOn) ?? "5xx"
        numRetries = try c.decodeIfPresent(Int.self, forKey: .numRetries) ?? 1
        perTryTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .perTryTimeout)
    }
}
