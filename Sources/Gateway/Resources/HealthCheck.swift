/// An active HTTP health check of a service's endpoints.
public struct HealthCheck: Codable, Equatable, Hashable, Sendable {
    public var path: String
    public var interval: ConfigDuration
    public var timeout: ConfigDuration
    public var healthyThreshold: Int
    public var unhealthyThreshold: Int

    public init(
        path: String = "/health",
        interval: ConfigDuration = .seconds(5),
        timeout: ConfigDuration = .seconds(1),
        healthyThreshold: Int = 2,
        unhealthyThreshold: Int = 3
    ) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
    }

    enum CodingKeys: String, CodingKey {
        case path, interval, timeout
        case healthyThreshold = "healthy_threshold"
        case unhealthyThreshold = "unhealthy_threshold"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = HealthCheck()
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? defaults.path
        interval = try c.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? defaults.interval
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? defaults.timeout
        healthyThreshold = try c.decodeIfPresent(Int.self, forKey: .healthyThreshold) ?? defaults.healthyThreshold
        unhealthyThreshold =
            try c.decodeIfPresent(Int.self, forKey: .unhealthyThreshold) ?? defaults.unhealthyThreshold
    }
}
