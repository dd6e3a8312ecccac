/// What `logbook up` prints once every Envoy runs the current version: where everything is, and
/// a few commands to try.
enum Banner {
    static func text(plan: PortPlan, version: UInt64, binDir: String, logsDir: String) -> String {
        let api = "http://127.0.0.1:\(plan.api)"
        var rows: [(String, String)] = [
            ("control plane API", "\(api)  (/status, /proxies, /events, /openapi.json)"),
            ("control plane xDS (ADS)", "127.0.0.1:\(plan.xds)"),
        ]
        for proxy in plan.proxies {
            rows.append(("Envoy \(proxy.id) HTTP", "http://127.0.0.1:\(proxy.http)  (/api/..., /graphql)"))
            rows.append(("Envoy \(proxy.id) gRPC", "127.0.0.1:\(proxy.grpc)  (demo.user.v1.UserService)"))
            rows.append(("Envoy \(proxy.id) admin", "http://127.0.0.1:\(proxy.admin)"))
        }
        for (index, port) in plan.rest.enumerated() {
            rows.append(("demo-rest rest-\(index + 1)", "http://127.0.0.1:\(port)"))
        }
        rows.append(("demo-graphql", "http://127.0.0.1:\(plan.graphql)/graphql  (playground)"))
        rows.append(("demo-grpc", "127.0.0.1:\(plan.grpc)"))
        let width = rows.map(\.0.count).max() ?? 0
        let table = rows.map { "  " + $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }
        let http = "http://127.0.0.1:\(plan.proxies.first?.http ?? 10000)"
        let grpc = "127.0.0.1:\(plan.proxies.first?.grpc ?? 10001)"
        let graphql = #"{"query":"{ users { name posts { title comments { body } } } }"}"#
        return """

            Logbook gateway is up: configuration version \(version), running on all \(plan.proxies.count) Envoys.

            \(table.joined(separator: "\n"))

            Try:
              curl '\(http)/api/products?category=books&per_page=3'
              curl -X POST \(http)/graphql -H 'content-type: application/json' -d '\(graphql)'
              \(binDir)/demo-grpc-client --target \(grpc) get-user 1
              curl \(api)/proxies
              curl '\(api)/events?limit=5'

            Logs are in \(logsDir)/. Ctrl-C stops everything.
            """
    }
}
