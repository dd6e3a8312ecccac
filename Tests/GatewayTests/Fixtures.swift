import Foundation

@testable import Gateway

/// The seed's gateway, as the JSON equivalent of the example YAML file.
let exampleJSON = """
    {
      "services": [
        {
          "name": "rest-api",
          "protocol": "http1",
          "endpoints": ["127.0.0.1:8001", "127.0.0.1:8011"],
          "lb_policy": "round_robin",
          "connect_timeout": "5s",
          "health_check": {"path": "/health", "interval": "5s", "timeout": "1s",
                           "healthy_threshold": 2, "unhealthy_threshold": 3},
          "circuit_breakers": {"max_connections": 1000, "max_pending_requests": 1000,
                               "max_requests": 1000, "max_retries": 3},
          "outlier_detection": {"consecutive_5xx": 5, "interval": "10s", "base_ejection_time": "30s",
                                "max_ejection_percent": 50}
        },
        {"name": "rest-api-v2", "endpoints": ["[::1]:8021", "backend.internal:8022"]},
        {"name": "shadow", "endpoints": ["127.0.0.1:8031"]},
        {"name": "grpc-backend", "protocol": "grpc", "endpoints": ["127.0.0.1:50051"], "lb_policy": "ring_hash"}
      ],
      "routes": [
        {
          "name": "api",
          "listener": "http",
          "match": {"prefix": "/api/", "headers": [{"name": "x-variant", "exact": "b"}]},
          "service": "rest-api",
          "timeout": "30s",
          "retry_policy": {"retry_on": "5xx,reset", "num_retries": 3, "per_try_timeout": "3s"},
          "cors": {"allow_origins": ["*"], "allow_methods": ["GET", "POST"], "allow_headers": ["content-type"],
                   "expose_headers": [], "max_age": "86400s", "allow_credentials": false},
          "mirror": {"service": "shadow", "percent": 100}
        },
        {
          "name": "canary",
          "match": {"regex": "^/v[0-9]+/.*$"},
          "weighted": [{"service": "rest-api", "weight": 90}, {"service": "rest-api-v2", "weight": 10}]
        },
        {
          "name": "grpc",
          "listener": "grpc",
          "match": {"prefix": "/"},
          "service": "grpc-backend",
          "hash_policy": {"header": "x-user"}
        }
      ],
      "proxies": [
        {"id": "proxy-1", "host": "127.0.0.1", "http_port": 10000, "grpc_port": 10001, "admin_port": 9901},
        {"id": "proxy-2", "host": "127.0.0.1", "http_port": 10002, "grpc_port": 10003, "admin_port": 9902},
        {"cluster": "edge", "http_port": 10000, "grpc_port": 10001}
      ]
    }
    """

func decodeExample() throws -> DeclarativeConfig {
    try JSONDecoder().decode(DeclarativeConfig.self, from: Data(exampleJSON.utf8))
}

func service(_ name: String, port: Int = 8001) -> Service {
    Service(name: name, endpoints: [Endpoint(host: "127.0.0.1", port: port)])
}

func route(_ name: String, to service: String, prefix: String = "/") -> Route {
    Route(name: name, match: RouteMatch(prefix: prefix), destination: .service(service))
}

/// A state built by folding events with consecutive sequence numbers.
func fold(_ events: [GatewayEvent], from state: GatewayState = GatewayState()) -> GatewayState {
    var state = state
    for event in events { state.apply(event, seq: state.head + 1) }
    return state
}

/// Decides and folds, failing loudly on refusal.
func run(_ command: GatewayCommand, on state: GatewayState) throws -> GatewayState {
    fold(try Decider.decide(command, state: state), from: state)
}

/// Every optional field set, to exercise the codec fully.
let fullService = Service(
    name: "full",
    protocol: .grpc,
    endpoints: [
        Endpoint(host: "10.0.0.1", port: 50051), Endpoint(host: "::1", port: 1), Endpoint(host: "a.b", port: 65535),
    ],
    lbPolicy: .maglev,
    connectTimeout: .milliseconds(250),
    healthCheck: HealthCheck(
        path: "/hc", interval: .seconds(2), timeout: .milliseconds(500), healthyThreshold: 1,
        unhealthyThreshold: 7),
    circuitBreakers: CircuitBreakers(
        maxConnections: 1_000_000_000, maxPendingRequests: 2, maxRequests: 3, maxRetries: 0),
    outlierDetection: OutlierDetection(
        consecutive5xx: 9, interval: .minutes(1), baseEjectionTime: .hours(1),
        maxEjectionPercent: 100)
)

let fullRoute = Route(
    name: "full-route",
    listener: .grpc,
    match: RouteMatch(
        regex: "^/é[a-z]+$",
        headers: [
            HeaderMatch(name: "x-a", exact: "1"), HeaderMatch(name: "x-b", prefix: "p"),
            HeaderMatch(name: "x-c", regex: "c+"), HeaderMatch(name: "x-d", present: true),
        ]
    ),
    destination: .weighted([
        WeightedService(service: "full", weight: 70), WeightedService(service: "other", weight: 30),
    ]),
    timeout: .zero,
    retryPolicy: RetryPolicy(retryOn: "5xx,unavailable", numRetries: 10, perTryTimeout: .seconds(3)),
    cors: CorsPolicy(
        allowOrigins: ["*"], allowMethods: ["GET"], allowHeaders: ["content-type"],
        exposeHeaders: ["x-trace"], maxAge: .hours(24), allowCredentials: true),
    hashPolicy: HashPolicy(header: "x-user"),
    mirror: RequestMirror(service: "shadow", percent: 5)
)

let fullProxy = Proxy(id: "proxy-1.a_b", host: "127.0.0.1", httpPort: 10000, grpcPort: 10001, adminPort: 9901)
