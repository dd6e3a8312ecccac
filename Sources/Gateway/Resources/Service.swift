/// An upstream service: an Envoy cluster with its endpoints.
public struct Service: Codable, Equatable, Hashable, Sendable {
    public var name: String
    public var `protocol`: ServiceProtocol
    public var endpoints: [Endpoint]
    public var lbPolicy: LoadBalancingPolicy
    public var connectTimeout: ConfigDuration
    public var healthCheck: HealthCheck?
    public var circuitBreakers: CircuitBreakers?
    public var outlierDetection: OutlierDetection?

    public init(
        name: String,
        protocol: ServiceProtocol = .http1,
        endpoints: [Endpoint],
        lbPolicy: LoadBalancingPolicy = .roundRobin,
        connectTimeout: ConfigDuration = .seconds(5),
        healthCheck: HealthCheck? = nil,
        circuitBreakers: CircuitBreakers? = nil,
        outlierDetection: OutlierDetection? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.endpoints = endpoints
        self.lbPolicy = lbPolicy
        self.connectTimeout = connectTimeout
        self.healthCheck = healthCheck
        self.circuitBreakers = circuitBreakers
        self.outlierDetection = outlierDetection
    }

    enum CodingKeys: String, CodingKey {
        case name
        case `protocol`
        case endpoints
        case lbPolicy = "lb_policy"
        case connectTimeout = "connect_timeout"
        case healthCheck = "health_check"
        case circuitBreakers = "circuit_breakers"
        case outlierDetection = "outlier_detection"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        `protocol` = try c.decodeIfPresent(ServiceProtocol.self, forKey: .protocol) ?? .http1
        endpoints = try c.decode([Endpoint].self, forKey: .endpoints)
        lbPolicy = try c.decodeIfPresent(LoadBalancingPolicy.self, forKey: .lbPolicy) ?? .roundRobin
        connectTimeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .connectTimeout) ?? .seconds(5)
        healthCheck = try c.decodeIfPresent(HealthCheck.self, forKey: .healthCheck)
        circuitBreakers = try c.decodeIfPresent(CircuitBreakers.self, forKey: .circuitBreakers)
        outlierDetection = try c.decodeIfPresent(OutlierDetection.self, forKey: .outlierDetection)
    }

    public var entity: String { "service/\(name)" }
}
