/// Passive health checking: eject endpoints that keep failing (defaults are Envoy's).
public struct OutlierDetection: Codable, Equatable, Hashable, Sendable {
    public var consecutive5xx: Int
    public var interval: ConfigDuration
    public var baseEjectionTime: ConfigDuration
    public var maxEjectionPercent: Int

    public init(
        consecutive5xx: Int = 5,
        interval: ConfigDuration = .seconds(10),
        baseEjectionTime: ConfigDuration = .seconds(30),
        maxEjectionPercent: Int = 10
    ) {
        self.consecutive5xx = consecutive5xx
        self.interval = interval
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionPercent = maxEjectionPercent
    }

    enum CodingKeys: String, CodingKey {
        case consecutive5xx = "consecutive_5xx"
        case interval
        case baseEjectionTime = "base_ejection_time"
        case maxEjectionPercent = "max_ejection_percent"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = OutlierDetection()
        consecutive5xx = try c.decodeIfPresent(Int.self, forKey: .consecutive5xx) ?? defaults.consecutive5xx
        interval = try c.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? defaults.interval
        baseEjectionTime =
            try c.decodeIfPresent(ConfigDuration.self, forKey: .baseEjectionTime) ?? defaults.baseEjectionTime
        maxEjectionPercent =
            try c.decodeIfPresent(Int.self, forKey: .maxEjectionPercent) ?? defaults.maxEjectionPercent
    }
}
