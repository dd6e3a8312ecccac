/// Envoy circuit-breaker thresholds for a service (defaults are Envoy's).
public struct CircuitBreakers: Codable, Equatable, Hashable, Sendable {
    public var maxConnections: Int
    public var maxPendingRequests: Int
    public var maxRequests: Int
    public var maxRetries: Int

    public init(
        maxConnections: Int = 1024, maxPendingRequests: Int = 1024, maxRequests: Int = 1024, maxRetries: Int = 3
    ) {
        self.maxConnections = maxConnections
        self.maxPendingRequests = maxPendingRequests
        self.maxRequests = maxRequests
        self.maxRetries = maxRetries
    }

    enum CodingKeys: String, CodingKey {
        case maxConnections = "max_connections"
        case maxPendingRequests = "max_pending_requests"
        case maxRequests = "max_requests"
        case maxRetries = "max_retries"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CircuitBreakers()
        maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? defaults.maxConnections
        maxPendingRequests =
            try c.decodeIfPresent(Int.self, forKey: .maxPendingRequests) ?? defaults.maxPendingRequests
        maxRequests = try c.decodeIfPresent(Int.self, forKey: .maxRequests) ?? defaults.maxRequests
        maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? defaults.maxRetries
    }
}
