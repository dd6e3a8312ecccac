import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The seed gateway end to end: `logbook up --free-ports` with 3 REST replicas, then every traffic
/// feature set through the API and proven through real Envoys, then a rollback under traffic.
@Suite("The whole gateway through real Envoys", .serialized, .timeLimit(.minutes(10)))
struct GatewayTrafficTests {
    @Test("REST, GraphQL and gRPC through all three proxies; every traffic feature; a rollback under traffic")
    func wholeGateway() async throws {
        let directory = try TemporaryDirectory()
        let gateway = try await GatewayTopology(in: directory.path, replicas: 3)
        let run = GatewayRun(gateway: gateway, logDir: directory.path)
        var failure: (any Error)?
        // Each step by name, so a failure says which feature it was in.
        let steps: [(String, () async throws -> Void)] = [
            ("protocolsThroughEveryProxy", run.protocolsThroughEveryProxy),
            ("roundRobin", run.roundRobin),
            ("otherBalancingPolicies", run.otherBalancingPolicies),
            ("activeHealthChecks", run.activeHealthChecks),
            ("circuitBreaking", run.circuitBreaking),
            ("retries", run.retries),
            ("timeouts", run.timeouts),
            ("canaryAndABTest", run.canaryAndABTest),
            ("shadowing", run.shadowing),
            ("localRateLimiting", run.localRateLimiting),
            ("corsPreflight", run.corsPreflight),
            ("grpcWeb", run.grpcWeb),
            ("accessLogs", run.accessLogs),
            ("rollbackUnderTraffic", run.rollbackUnderTraffic),
        ]
        for (name, step) in steps where failure == nil {
            do {
                try await step()
            } catch {
                failure = TestFailure("\(name): \(error)")
            }
        }
        await run.stopExtras()
        await gateway.stop()
        if let failure { throw TestFailure("\(failure)\n--- logbook up:\n\(gateway.log)") }
        #expect(gateway.child.process.terminationStatus == 0, "logbook up stops cleanly on SIGTERM: \(gateway.log)")
        #expect(gateway.log.contains("stopped everything"))
        for (name, pid) in gateway.pids { #expect(!isAlive(pid), "\(name) (pid \(pid)) outlived logbook up") }

        // The same log with other ports: refused by name, not served with a banner that lies.
        let again = try ChildProcess(
            executable: logbookExecutable,
            arguments: [
                "up", "--free-ports", "--replicas", "3", "--data-dir", directory.path + "/data",
                "--logs-dir", directory.path + "/logs-again", "--run-dir", directory.path + "/run-again",
                "--config", repositoryRoot.path + "/ops/gateway.yaml", "--bootstraps",
                repositoryRoot.path + "/ops/envoy",
                "--products", repositoryRoot.path + "/ops/data/products.csv", "--envoy", Envoy.executable,
            ],
            logPath: directory.path + "/up-again.log")
        _ = try await eventually(within: .seconds(90), "a second up on the same log stops") {
            again.process.isRunning ? nil : true
        }
        #expect(again.process.terminationStatus == 1)
        #expect(again.log.contains("already holds a gateway that does not match this run"), "\(again.log)")
    }
}

/// The steps of the whole-gateway test, over one running topology.
final class GatewayRun: @unchecked Sendable {
    // @unchecked: the steps run one after another on the test's task; `extras` is touched only there.
    let gateway: GatewayTopology
    let logDir: String
    var extras: [DemoBackend] = []
    let products = repositoryRoot.path + "/ops/data/products.csv"

    /// Several requests at once: the shared session allows one connection per host.
    let parallel: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.timeoutIntervalForRequest = 20
        return URLSession(configuration: configuration)
    }()

    init(gateway: GatewayTopology, logDir: String) {
        self.gateway = gateway
        self.logDir = logDir
    }

    var api: String { gateway.api }
    var proxy: GatewayTopology.Proxy { gateway.proxies[0] }
    func http(_ proxy: GatewayTopology.Proxy) -> String { "http://127.0.0.1:\(proxy.http)" }

    func extra(_ executable: String, _ instance: String, port: Int = 0, _ arguments: [String] = []) async throws
        -> DemoBackend
    {
        let backend = try await DemoBackend(
            executable, instance: instance, port: port, extra: arguments, logDir: logDir)
        extras.append(backend)
        return backend
    }

    func stopExtras() async {
        for backend in extras { await backend.stop() }
    }

    // MARK: The control plane

    /// Sends a mutation and waits until all three Envoys run the version it made.
    @discardableResult
    func mutate(_ method: String, _ path: String, _ body: [String: Any]) async throws -> Int {
        let answer = try await HTTP.request(method, api + path, json: body)
        guard (200..<300).contains(answer.status), let version = answer.json["version"] as? Int else {
            throw TestFailure("\(method) \(path): \(answer.status) \(answer.text)")
        }
        try await waitForProxies(at: version)
        return version
    }

    func waitForProxies(at version: Int) async throws {
        for proxy in gateway.proxies {
            _ = try await eventually(within: .seconds(20), every: .milliseconds(50), "\(proxy.id) runs v\(version)") {
                try await proxyStatus(api: self.api, proxy.id)?["running_version"] as? String == String(version)
                    ? true : nil
            }
        }
    }

    func service(_ name: String, _ endpoints: [String], _ extra: [String: Any] = [:]) -> [String: Any] {
        ["name": name, "protocol": "http1", "endpoints": endpoints].merging(extra) { $1 }
    }

    /// A route on `prefix` that only requests carrying `header: value` take.
    func headerRoute(_ name: String, header: String, value: String, prefix: String = "/api/", _ extra: [String: Any])
        -> [String: Any]
    {
        ["name": name, "match": ["prefix": prefix, "headers": [["name": header, "exact": value]]]]
            .merging(extra) { $1 }
    }

    func current(_ kind: String, _ name: String) async throws -> [String: Any] {
        let answer = try await HTTP.get(api + "/\(kind)/\(name)")
        guard answer.status == 200 else { throw TestFailure("GET /\(kind)/\(name): \(answer.status) \(answer.text)") }
        return answer.json
    }

    // MARK: Traffic

    func get(_ path: String, via proxy: GatewayTopology.Proxy? = nil, headers: [String: String] = [:]) async throws
        -> HTTP.Answer
    {
        try await HTTP.request("GET", http(proxy ?? self.proxy) + path, headers: headers)
    }

    /// Which backend instance answered each of `count` requests, `width` at a time.
    func instances(
        _ count: Int, _ path: String = "/api/products?per_page=1", headers: [String: String] = [:], width: Int = 8
    ) async throws -> [String: Int] {
        let url = http(proxy) + path
        var counts: [String: Int] = [:]
        var remaining = count
        while remaining > 0 {
            let batch = min(width, remaining)
            remaining -= batch
            let answers = try await withThrowingTaskGroup(of: HTTP.Answer.self) { group in
                for _ in 0..<batch {
                    group.addTask { try await HTTP.request("GET", url, headers: headers, session: self.parallel) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for answer in answers {
                guard answer.status == 200 else { throw TestFailure("GET \(path): \(answer.status) \(answer.text)") }
                counts[answer.headers["x-backend-instance"] ?? "none", default: 0] += 1
            }
        }
        return counts
    }

    // MARK: Steps

    func protocolsThroughEveryProxy() async throws {
        for proxy in gateway.proxies {
            let list = try await get("/api/products", via: proxy)
            #expect(list.status == 200, "\(proxy.id) REST")
            #expect((list.json["items"] as? [Any])?.isEmpty == false)
            #expect(list.headers["x-backend-instance"]?.hasPrefix("rest-") == true)
            #expect(try await get("/api/products/1", via: proxy).status == 200)
            #expect(try await get("/api/products/999999", via: proxy).status == 404)
            #expect(try await get("/api/products?min_price=cheap", via: proxy).status == 400)

            let graphql = http(proxy) + "/graphql"
            let users = try await HTTP.request("POST", graphql, json: ["query": "{ users { id name } }"])
            #expect(((users.json["data"] as? [String: Any])?["users"] as? [Any])?.isEmpty == false, "\(users.text)")
            let created = try await HTTP.request(
                "POST", graphql,
                json: [
                    "query":
                        "mutation($name: String!, $email: String!) { createUser(name: $name, email: $email) { id name } }",
                    "variables": ["name": "Ada \(proxy.id)", "email": "ada-\(proxy.id)@example.com"],
                ])
            let user = (created.json["data"] as? [String: Any])?["createUser"] as? [String: Any]
            #expect(user?["name"] as? String == "Ada \(proxy.id)", "\(created.text)")
            let nested = try await HTTP.request(
                "POST", graphql,
                json: [
                    "query":
                        #"{ user(id: "1") { name posts { title author { name } comments { body author { name } } } } }"#
                ])
            let posts =
                ((nested.json["data"] as? [String: Any])?["user"] as? [String: Any])?["posts"] as? [[String: Any]]
            #expect(posts?.isEmpty == false, "\(nested.text)")
            #expect(posts?.first?["comments"] is [Any])

            try await grpcCalls(through: proxy)
        }
    }

    func roundRobin() async throws {
        let counts = try await instances(300)
        #expect(Set(counts.keys) == ["rest-1", "rest-2", "rest-3"], "\(counts)")
        for (instance, count) in counts { #expect((85...115).contains(count), "round robin: \(instance) got \(count)") }
    }

    func otherBalancingPolicies() async throws {
        var service = try await current("services", "rest-api")
        var route = try await current("routes", "api")
        for policy in ["least_request", "random"] {
            service["lb_policy"] = policy
            try await mutate("PUT", "/services/rest-api", service)
            #expect(try await envoyPolicy() == policy.uppercased(), "Envoy runs \(policy)")
            let counts = try await instances(60)
            #expect(counts.count == 3, "\(policy) reaches every replica: \(counts)")
        }
        route["hash_policy"] = ["header": "x-user"]
        try await mutate("PUT", "/routes/api", route)
        for policy in ["ring_hash", "maglev"] {
            service["lb_policy"] = policy
            try await mutate("PUT", "/services/rest-api", service)
            #expect(try await envoyPolicy() == policy.uppercased(), "Envoy runs \(policy)")
            var seen = Set<String>()
            for user in 1...12 {
                let counts = try await instances(6, headers: ["x-user": "user-\(user)"], width: 3)
                #expect(counts.count == 1, "\(policy): user-\(user) always reaches one instance: \(counts)")
                seen.formUnion(counts.keys)
            }
            #expect(seen.count > 1, "\(policy) spreads users over replicas: \(seen)")
        }
        route.removeValue(forKey: "hash_policy")
        try await mutate("PUT", "/routes/api", route)
        service["lb_policy"] = "round_robin"
        try await mutate("PUT", "/services/rest-api", service)
    }

    /// rest-api's lb_policy as proxy-1 runs it, from its /config_dump (ROUND_ROBIN is the proto default, so absent).
    func envoyPolicy() async throws -> String {
        let dump = try await HTTP.get("http://127.0.0.1:\(proxy.admin)/config_dump?resource=dynamic_active_clusters")
            .json
        let clusters = (dump["configs"] as? [[String: Any]] ?? []).compactMap { $0["cluster"] as? [String: Any] }
        let cluster = try #require(clusters.first { $0["name"] as? String == "rest-api" }, "rest-api in \(dump)")
        return cluster["lb_policy"] as? String ?? "ROUND_ROBIN"
    }

    /// Envoy's health flags for one rest-api host: "healthy", or e.g. "/failed_active_hc".
    func healthFlags(port: Int) async throws -> String? {
        let clusters = try await HTTP.get("http://127.0.0.1:\(proxy.admin)/clusters").text
        let prefix = "rest-api::127.0.0.1:\(port)::health_flags::"
        return clusters.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    func activeHealthChecks() async throws {
        var service = try await current("services", "rest-api")
        service["health_check"] = [
            "path": "/health", "interval": "1s", "timeout": "500ms", "healthy_threshold": 1, "unhealthy_threshold": 2,
        ]
        try await mutate("PUT", "/services/rest-api", service)
        // No retries on this route: a request sent to a dead replica would fail, not be retried away.
        try await mutate(
            "POST", "/routes/add",
            headerRoute("unretried-rest", header: "x-test", value: "health", ["service": "rest-api"]))
        let deadPort = gateway.restPorts[2]
        #expect(try await healthFlags(port: deadPort) == "healthy")
        let pid = try #require(gateway.pids["demo-rest rest-3"])
        kill(pid, SIGKILL)
        try await Task.sleep(for: .seconds(3))  // three health-check intervals
        #expect(
            try await healthFlags(port: deadPort)?.contains("failed_active_hc") == true,
            "the health checker ejected rest-3")
        let counts = try await instances(60, headers: ["x-test": "health"])
        #expect(counts["rest-3"] == nil, "a dead replica gets no traffic: \(counts)")
        #expect(counts.values.reduce(0, +) == 60, "no request fails: \(counts)")
        _ = try await extra("demo-rest", "rest-3", port: deadPort, ["--data", products])
        _ = try await eventually(within: .seconds(15), every: .milliseconds(250), "rest-3 is healthy again") {
            try await self.healthFlags(port: deadPort) == "healthy" ? true : nil
        }
        _ = try await eventually(within: .seconds(10), every: .milliseconds(250), "rest-3 is back in rotation") {
            try await self.instances(9, headers: ["x-test": "health"])["rest-3"]
        }
    }

    func circuitBreaking() async throws {
        try await mutate(
            "POST", "/services/add",
            service(
                "slow-api", ["127.0.0.1:\(gateway.restPorts[0])"],
                [
                    "circuit_breakers": [
                        "max_connections": 100, "max_pending_requests": 100, "max_requests": 1, "max_retries": 0,
                    ]
                ]))
        try await mutate(
            "POST", "/routes/add", headerRoute("circuit", header: "x-test", value: "circuit", ["service": "slow-api"]))
        let url = http(proxy) + "/api/delay?ms=1500"
        let answers = try await withThrowingTaskGroup(of: HTTP.Answer.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await HTTP.request("GET", url, headers: ["x-test": "circuit"], session: self.parallel)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let overflowed = answers.filter { $0.status == 503 && $0.headers["x-envoy-overloaded"] == "true" }
        #expect(answers.contains { $0.status == 200 }, "\(answers.map(\.status))")
        #expect(!overflowed.isEmpty, "max_requests 1 overflows: \(answers.map(\.status))")
        let stats = try await HTTP.get(
            "http://127.0.0.1:\(proxy.admin)/stats?filter=^cluster\\.slow-api\\.upstream_rq_active_overflow$")
        let value = stats.text.split(separator: ":").last.flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect((value ?? 0) >= overflowed.count, "the overflow counter: \(stats.text)")
    }

    func retries() async throws {
        let flaky = try await extra("demo-rest", "flaky-1", ["--fail-every", "2", "--data", products])
        try await mutate("POST", "/services/add", service("flaky-api", [flaky.endpoint]))
        try await mutate(
            "POST", "/routes/add",
            headerRoute(
                "retried", header: "x-test", value: "retry",
                ["service": "flaky-api", "retry_policy": ["retry_on": "5xx", "num_retries": 3]]))
        try await mutate(
            "POST", "/routes/add",
            headerRoute("unretried", header: "x-test", value: "noretry", ["service": "flaky-api"]))
        var retriedStatuses: [Int] = []
        var plainStatuses: [Int] = []
        for _ in 0..<20 {
            retriedStatuses.append(try await get("/api/products/1", headers: ["x-test": "retry"]).status)
            plainStatuses.append(try await get("/api/products/1", headers: ["x-test": "noretry"]).status)
        }
        #expect(retriedStatuses.allSatisfy { $0 == 200 }, "retry_on 5xx hides the failures: \(retriedStatuses)")
        #expect(plainStatuses.filter { $0 == 503 }.count >= 5, "without retries they show: \(plainStatuses)")
    }

    func timeouts() async throws {
        try await mutate(
            "POST", "/routes/add",
            headerRoute("short", header: "x-test", value: "timeout", ["service": "rest-api", "timeout": "1s"]))
        let start = ContinuousClock.now
        let answer = try await get("/api/delay?ms=2000", headers: ["x-test": "timeout"])
        let elapsed = ContinuousClock.now - start
        #expect(answer.status == 504, "\(answer.status) \(answer.text)")
        #expect(elapsed >= .milliseconds(900) && elapsed < .milliseconds(1800), "504 after about 1 s: \(elapsed)")
    }

    func canaryAndABTest() async throws {
        let canary = try await extra("demo-rest", "canary-1", ["--data", products])
        try await mutate("POST", "/services/add", service("canary-api", [canary.endpoint]))
        try await mutate(
            "POST", "/routes/add",
            headerRoute(
                "canary", header: "x-test", value: "canary",
                ["weighted": [["service": "rest-api", "weight": 90], ["service": "canary-api", "weight": 10]]]))
        let counts = try await instances(1000, headers: ["x-test": "canary"], width: 16)
        let stable = counts.filter { $0.key.hasPrefix("rest-") }.values.reduce(0, +)
        #expect((860...940).contains(stable), "90/10: \(counts)")
        #expect(counts["canary-1", default: 0] == 1000 - stable)

        try await mutate(
            "POST", "/routes/add", headerRoute("variant-b", header: "x-variant", value: "b", ["service": "canary-api"]))
        #expect(try await get("/api/products", headers: ["x-variant": "b"]).headers["x-backend-instance"] == "canary-1")
        #expect(
            try await get("/api/products", headers: ["x-variant": "a"]).headers["x-backend-instance"]?.hasPrefix(
                "rest-") == true)
    }

    func shadowing() async throws {
        let shadow = try await extra("demo-rest", "shadow-1", ["--data", products])
        try await mutate("POST", "/services/add", service("shadow-api", [shadow.endpoint]))
        try await mutate(
            "POST", "/routes/add",
            headerRoute(
                "mirrored", header: "x-test", value: "mirror",
                ["service": "rest-api", "mirror": ["service": "shadow-api", "percent": 100]]))
        for _ in 0..<10 {
            let answer = try await get("/api/products/2", headers: ["x-test": "mirror"])
            #expect(answer.headers["x-backend-instance"]?.hasPrefix("rest-") == true, "the client sees the primary")
        }
        _ = try await eventually(within: .seconds(5), "the shadow received copies") { () -> Bool? in
            let seen = try await HTTP.get("http://\(shadow.endpoint)/debug/requests").json["total"] as? Int ?? 0
            return seen >= 10 ? true : nil
        }
    }

    func localRateLimiting() async throws {
        try await mutate(
            "POST", "/routes/add",
            headerRoute(
                "limited", header: "x-test", value: "limited",
                ["service": "rest-api", "rate_limit": ["requests": 3, "per": "60s"]]))
        var statuses: [Int] = []
        for _ in 0..<6 { statuses.append(try await get("/api/products/3", headers: ["x-test": "limited"]).status) }
        #expect(statuses == [200, 200, 200, 429, 429, 429], "3 a minute on each Envoy, then 429: \(statuses)")
        // Another Envoy has its own bucket.
        #expect(try await get("/api/products/3", via: gateway.proxies[1], headers: ["x-test": "limited"]).status == 200)
        #expect(try await get("/api/products/3").status == 200, "other routes are not limited")
    }

    func corsPreflight() async throws {
        func preflight(from origin: String) async throws -> HTTP.Answer {
            try await HTTP.request(
                "OPTIONS", http(proxy) + "/graphql",
                headers: [
                    "Origin": origin, "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type",
                ])
        }
        // The seed allows every origin.
        let open = try await preflight(from: "https://app.example.com")
        #expect(open.status == 200, "\(open.status) \(open.headers)")
        #expect(open.headers["access-control-allow-origin"] == "https://app.example.com")
        #expect(open.headers["access-control-allow-methods"]?.contains("POST") == true)
        // Configured origins only: a listed origin is answered, another is not.
        var route = try await current("routes", "graphql")
        route["cors"] = ["allow_origins": ["https://app.example.com"], "allow_methods": ["GET", "POST"]]
        try await mutate("PUT", "/routes/graphql", route)
        let listed = try await preflight(from: "https://app.example.com")
        #expect(listed.headers["access-control-allow-origin"] == "https://app.example.com", "\(listed.headers)")
        let other = try await preflight(from: "https://elsewhere.example.org")
        #expect(other.headers["access-control-allow-origin"] == nil, "an unlisted origin: \(other.headers)")
    }

    func accessLogs() async throws {
        for proxy in gateway.proxies {
            // Envoy flushes its access log every second (logbook up asks it to).
            let line = try await eventually(within: .seconds(5), "\(proxy.id) logged GET /api/products") {
                self.gateway.accessLog(proxy).split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
                }.first { $0["path"] as? String == "/api/products" }
            }
            for field in ["method", "path", "status", "duration_ms", "upstream_cluster", "client_ip", "start_time"] {
                #expect(line[field] != nil, "\(proxy.id) access log has \(field): \(line)")
            }
            #expect(line["method"] as? String == "GET")
            #expect(line["status"] as? Int == 200)
            #expect(line["upstream_cluster"] as? String == "rest-api")
            #expect(line["client_ip"] as? String == "127.0.0.1")
        }
        let overflow = gateway.accessLog(proxy).split(separator: "\n").contains {
            $0.contains("\"response_flags\":\"UO\"")
        }
        #expect(overflow, "the circuit breaker's overflow flag shows in the access log")
    }

    func rollbackUnderTraffic() async throws {
        let before = try await HTTP.get(api + "/status").json["version"] as? Int ?? 0
        var route = try await current("routes", "api")
        route["service"] = "canary-api"
        try await mutate("PUT", "/routes/api", route)
        for proxy in gateway.proxies {
            #expect(try await get("/api/products", via: proxy).headers["x-backend-instance"] == "canary-1")
        }
        let running = RunningFlag()
        let loop = Task { () -> [String] in
            var failures: [String] = []
            var index = 0
            while running.isOn {
                let proxy = self.gateway.proxies[index % 3]
                index += 1
                do {
                    let answer = try await self.get("/api/products?per_page=1", via: proxy)
                    if answer.status != 200 { failures.append("\(proxy.id): \(answer.status)") }
                } catch {
                    failures.append("\(proxy.id): \(error)")
                }
            }
            return failures + ["\(index) requests"]
        }
        try await Task.sleep(for: .milliseconds(300))
        let rolledBack = try await HTTP.request(
            "POST", api + "/config/rollback", json: ["version": before, "reason": "e2e: undo the canary switch"])
        let version = try #require(rolledBack.json["version"] as? Int, "\(rolledBack.text)")
        try await waitForProxies(at: version)
        try await Task.sleep(for: .milliseconds(300))
        running.turnOff()
        let outcome = await loop.value
        #expect(outcome.count == 1, "no request fails during the rollback: \(outcome)")
        for proxy in gateway.proxies {
            let answer = try await get("/api/products", via: proxy)
            #expect(answer.headers["x-backend-instance"]?.hasPrefix("rest-") == true, "\(proxy.id) routes as before")
        }
    }
}
