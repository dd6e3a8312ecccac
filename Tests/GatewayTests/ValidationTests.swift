import Testing

@testable import Gateway

/// Decides `command` on `state` and returns the refusal, or nil if it was accepted.
func refusal(_ command: GatewayCommand, on state: GatewayState = GatewayState()) -> ValidationError? {
    do {
        _ = try Decider.decide(command, state: state)
        return nil
    } catch {
        return error
    }
}

@Suite("Validation")
struct ValidationTests {
    let base: GatewayState = fold([.serviceRegistered(service("rest-api")), .serviceRegistered(service("shadow"))])

    func routeRefusal(_ change: (inout Route) -> Void) -> ValidationError? {
        var candidate = route("api", to: "rest-api", prefix: "/api/")
        change(&candidate)
        return refusal(.addRoute(candidate), on: base)
    }

    func serviceRefusal(_ change: (inout Service) -> Void) -> ValidationError? {
        var candidate = service("new")
        change(&candidate)
        return refusal(.registerService(candidate), on: base)
    }

    @Test("names are letters, digits, '_', '.' and '-', 1 to 63, starting and ending with a letter or digit")
    func names() {
        let refused = [
            "", "-a", "a-", "_a", "a.", "a/b", "a b", "a\tb", "a:b", "é", String(repeating: "a", count: 64),
        ]
        for bad in refused {
            let error = serviceRefusal { $0.name = bad }
            #expect(error?.code == .invalid, "\(bad)")
            #expect(error?.field == "service.name")
        }
        // The seed's own cluster names, and Envoy's usual ones, pass.
        for good in [
            "a", "rest_service", "graphql_service", "grpc_service", "Rest", "api.v2", String(repeating: "a", count: 63),
        ] {
            #expect(serviceRefusal { $0.name = good } == nil, "\(good)")
        }
        #expect(Validator.isValidName("proxy-1.a_b"))
    }

    @Test("endpoints need valid hosts, ports 1..65535, and at least one entry")
    func endpoints() {
        #expect(serviceRefusal { $0.endpoints = [] }?.field == "service.endpoints")
        let badPort = serviceRefusal { $0.endpoints.append(Endpoint(host: "127.0.0.1", port: 65536)) }
        #expect(badPort?.code == .invalid)
        #expect(badPort?.field == "service.endpoints[1]")
        for host in ["256.1.1.1", "bad_host", "-a.com", "1::2::3", "a..b"] {
            #expect(
                serviceRefusal { $0.endpoints = [Endpoint(host: host, port: 80)] }?.field == "service.endpoints[0]",
                "\(host)")
        }
        for host in ["10.0.0.1", "::1", "2001:db8::8:800:200c:417a", "::ffff:10.0.0.1", "api.example.com", "localhost"]
        {
            #expect(serviceRefusal { $0.endpoints = [Endpoint(host: host, port: 80)] } == nil, "\(host)")
        }
    }

    @Test("durations, thresholds, circuit breakers and outlier percent are range-checked")
    func serviceRanges() {
        let cases: [(String, (inout Service) -> Void)] = [
            ("service.connect_timeout", { $0.connectTimeout = .seconds(61) }),
            ("service.connect_timeout", { $0.connectTimeout = .zero }),
            ("service.health_check.interval", { $0.healthCheck = HealthCheck(interval: .zero) }),
            ("service.health_check.timeout", { $0.healthCheck = HealthCheck(timeout: .hours(2)) }),
            ("service.health_check.healthy_threshold", { $0.healthCheck = HealthCheck(healthyThreshold: 0) }),
            ("service.health_check.path", { $0.healthCheck = HealthCheck(path: "health") }),
            ("service.circuit_breakers.max_connections", { $0.circuitBreakers = CircuitBreakers(maxConnections: 0) }),
            (
                "service.circuit_breakers.max_requests",
                { $0.circuitBreakers = CircuitBreakers(maxRequests: 1_000_000_001) }
            ),
            ("service.circuit_breakers.max_retries", { $0.circuitBreakers = CircuitBreakers(maxRetries: -1) }),
            (
                "service.outlier_detection.max_ejection_percent",
                { $0.outlierDetection = OutlierDetection(maxEjectionPercent: 101) }
            ),
        ]
        for (field, change) in cases {
            let error = serviceRefusal(change)
            #expect(error?.code == .invalid, "\(field)")
            #expect(error?.field == field)
        }
        #expect(serviceRefusal { $0.circuitBreakers = CircuitBreakers(maxRetries: 0) } == nil)
    }

    @Test("a route match needs exactly one of prefix, path or regex, well formed")
    func matches() {
        let cases: [(String, RouteMatch)] = [
            ("route.match", RouteMatch()),
            ("route.match", RouteMatch(prefix: "/", path: "/a")),
            ("route.match.prefix", RouteMatch(prefix: "api")),
            ("route.match.path", RouteMatch(path: "a")),
            ("route.match.regex", RouteMatch(regex: "([a-z")),
            ("route.match.headers[0]", RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x")])),
            ("route.match.headers[0].regex", RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x", regex: "(")])),
            ("route.match.headers[0].name", RouteMatch(prefix: "/", headers: [HeaderMatch(name: "", present: true)])),
        ]
        for (field, match) in cases {
            let error = routeRefusal { $0.match = match }
            #expect(error?.code == .invalid, "\(field)")
            #expect(error?.field == field)
        }
    }

    @Test("weighted destinations: weights 0..100 summing to 100, no service twice")
    func weighted() {
        func weighted(_ entries: [(String, Int)]) -> ValidationError? {
            routeRefusal { $0.destination = .weighted(entries.map { WeightedService(service: $0.0, weight: $0.1) }) }
        }
        #expect(weighted([])?.field == "route.weighted")
        #expect(weighted([("rest-api", 90), ("shadow", 20)])?.field == "route.weighted")
        #expect(weighted([("rest-api", 101), ("shadow", -1)])?.field == "route.weighted[0].weight")
        let duplicate = weighted([("rest-api", 50), ("rest-api", 50)])
        #expect(duplicate?.code == .duplicate)
        #expect(duplicate?.field == "route.weighted[1].service")
        #expect(weighted([("rest-api", 100)]) == nil)
        #expect(weighted([("rest-api", 100), ("shadow", 0)]) == nil)
    }

    @Test("unknown service references are refused wherever they appear")
    func references() {
        #expect(routeRefusal { $0.destination = .service("nope") }?.field == "route.service")
        let weighted = routeRefusal {
            $0.destination = .weighted([
                WeightedService(service: "rest-api", weight: 50),
                WeightedService(service: "nope", weight: 50),
            ])
        }
        #expect(weighted?.field == "route.weighted[1].service")
        #expect(weighted?.message.contains("nope") == true)
        #expect(routeRefusal { $0.mirror = RequestMirror(service: "nope") }?.field == "route.mirror.service")
    }

    @Test("timeouts, retry policy, cors and mirror percent are checked")
    func routeFields() {
        let cases: [(String, (inout Route) -> Void)] = [
            ("route.timeout", { $0.timeout = .milliseconds(3_600_001) }),
            ("route.retry_policy.retry_on", { $0.retryPolicy = RetryPolicy(retryOn: "5xx,sometimes") }),
            ("route.retry_policy.num_retries", { $0.retryPolicy = RetryPolicy(numRetries: 11) }),
            ("route.retry_policy.per_try_timeout", { $0.retryPolicy = RetryPolicy(perTryTimeout: .zero) }),
            ("route.cors.allow_origins", { $0.cors = CorsPolicy(allowOrigins: []) }),
            ("route.mirror.percent", { $0.mirror = RequestMirror(service: "shadow", percent: 101) }),
            ("route.name", { $0.name = "api/v2" }),
        ]
        for (field, change) in cases {
            let error = routeRefusal(change)
            #expect(error?.code == .invalid, "\(field)")
            #expect(error?.field == field)
        }
        #expect(routeRefusal { $0.timeout = .zero } == nil)
        #expect(routeRefusal { $0.retryPolicy = RetryPolicy(retryOn: "gateway-error, reset,retriable-4xx") } == nil)
    }

    @Test("proxies: one of id or cluster, valid ports, distinct within a proxy")
    func proxies() {
        #expect(refusal(.registerProxy(Proxy()))?.field == "proxy")
        #expect(refusal(.registerProxy(Proxy(id: "a", cluster: "b")))?.field == "proxy")
        #expect(refusal(.registerProxy(Proxy(id: "Proxy 1")))?.field == "proxy.id")
        #expect(refusal(.registerProxy(Proxy(id: "p", httpPort: 0)))?.field == "proxy.http_port")
        let same = refusal(.registerProxy(Proxy(id: "p", httpPort: 10000, adminPort: 10000)))
        #expect(same?.code == .invalid)
        #expect(same?.field == "proxy.admin_port")
        #expect(refusal(.registerProxy(Proxy(cluster: "edge", httpPort: 10000))) == nil)
    }

    @Test("two proxies on one host cannot share a port, and the error names both")
    func portCollision() throws {
        let state = try run(
            .registerProxy(Proxy(id: "proxy-1", host: "127.0.0.1", httpPort: 10000)), on: GatewayState())
        let error = refusal(.registerProxy(Proxy(id: "proxy-2", host: "127.0.0.1", grpcPort: 10000)), on: state)
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("proxy/proxy-1") == true)
        #expect(error?.message.contains("proxy/proxy-2") == true)
        #expect(refusal(.registerProxy(Proxy(id: "proxy-2", host: "127.0.0.2", grpcPort: 10000)), on: state) == nil)
        #expect(refusal(.registerProxy(Proxy(id: "proxy-2", grpcPort: 10000)), on: state) == nil)
    }

    @Test("the description is field: message")
    func description() {
        let error = ValidationError(code: .invalid, field: "route.match.regex", message: "bad")
        #expect(error.description == "route.match.regex: bad")
        #expect(ValidationError.Code.notFound != ValidationError.Code.inUse)
    }
}
