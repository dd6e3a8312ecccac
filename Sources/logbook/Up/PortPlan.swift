/// Every port `logbook up` binds, by component: docs/design.md's defaults, or free ones for a second
/// gateway beside the first (tests run beside `make run` this way).
struct PortPlan: Codable, Equatable {
    struct ProxyPorts: Codable, Equatable {
        var id: String
        var http: Int
        var grpc: Int
        var admin: Int
    }

    var api: Int
    var xds: Int
    var rest: [Int]
    var graphql: Int
    var grpc: Int
    var proxies: [ProxyPorts]

    /// The backends' ports in the shipped gateway file; `GatewayPlan` moves endpoints off them.
    static let defaultRESTPort = 8001
    static let defaultGraphQLPort = 8002
    static let defaultGRPCPort = 50051

    /// REST replica i (from 0) listens on 8001 + 10 i: 8001, 8011, 8021, ... clear of GraphQL's 8002.
    static func defaults(replicas: Int, proxyIDs: [String]) -> PortPlan {
        PortPlan(
            api: 8080, xds: 18000,
            rest: (0..<replicas).map { defaultRESTPort + 10 * $0 },
            graphql: defaultGraphQLPort, grpc: defaultGRPCPort,
            proxies: proxyIDs.enumerated().map { index, id in
                ProxyPorts(id: id, http: 10000 + 2 * index, grpc: 10001 + 2 * index, admin: 9901 + index)
            })
    }

    static func free(replicas: Int, proxyIDs: [String]) -> PortPlan {
        var ports = PortCheck.freePorts(5 + replicas + 3 * proxyIDs.count)[...]
        func next() -> Int { ports.popFirst()! }
        return PortPlan(
            api: next(), xds: next(), rest: (0..<replicas).map { _ in next() }, graphql: next(), grpc: next(),
            proxies: proxyIDs.map { ProxyPorts(id: $0, http: next(), grpc: next(), admin: next()) })
    }

    /// Each port with the component that will bind it, in start order.
    var named: [(port: Int, owner: String)] {
        var result: [(Int, String)] = [(api, "control plane HTTP API"), (xds, "control plane xDS")]
        result += rest.enumerated().map { ($1, "demo-rest rest-\($0 + 1)") }
        result += [(graphql, "demo-graphql"), (grpc, "demo-grpc")]
        for proxy in proxies {
            result += [
                (proxy.http, "Envoy \(proxy.id) HTTP listener"), (proxy.grpc, "Envoy \(proxy.id) gRPC listener"),
                (proxy.admin, "Envoy \(proxy.id) admin"),
            ]
        }
        return result
    }
}
