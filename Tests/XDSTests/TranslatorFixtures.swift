import EnvoyAPI
import Gateway
import SwiftProtobuf

@testable import XDS

/// The gateway of ops/gateway.yaml, as events, and small builders around it.
enum TranslatorFixture {
    static let healthCheck = HealthCheck(
        path: "/health", interval: .seconds(5), timeout: .seconds(1), healthyThreshold: 2, unhealthyThreshold: 3)

    static let restAPI = Service(
        name: "rest-api", protocol: .http1, endpoints: [Endpoint(host: "127.0.0.1", port: 8001)],
        lbPolicy: .roundRobin, connectTimeout: .seconds(5), healthCheck: healthCheck,
        circuitBreakers: CircuitBreakers(
            maxConnections: 1000, maxPendingRequests: 1000, maxRequests: 1000, maxRetries: 3)
    )
    static let graphqlAPI = Service(
        name: "graphql-api", protocol: .http1, endpoints: [Endpoint(host: "127.0.0.1", port: 8002)],
        healthCheck: healthCheck
    )
    static let grpcAPI = Service(
        name: "grpc-api", protocol: .grpc, endpoints: [Endpoint(host: "127.0.0.1", port: 50051)],
        healthCheck: healthCheck
    )

    static let apiRoute = Route(
        name: "api", listener: .http, match: RouteMatch(prefix: "/api/"), destination: .service("rest-api"),
        timeout: .seconds(30), retryPolicy: RetryPolicy(retryOn: "5xx", numRetries: 3, perTryTimeout: .seconds(3))
    )
    static let graphqlRoute = Route(
        name: "graphql", listener: .http, match: RouteMatch(prefix: "/graphql"), destination: .service("graphql-api"),
        timeout: .seconds(30),
        cors: CorsPolicy(allowOrigins: ["*"], allowMethods: ["GET", "POST", "OPTIONS"], allowHeaders: ["content-type"])
    )
    static let grpcRoute = Route(
        name: "grpc", listener: .grpc, match: RouteMatch(prefix: "/"), destination: .service("grpc-api"),
        timeout: .seconds(30)
    )

    static let proxies = [
        Proxy(id: "proxy-1", host: "127.0.0.1", httpPort: 10000, grpcPort: 10001, adminPort: 9901),
        Proxy(id: "proxy-2", host: "127.0.0.1", httpPort: 10002, grpcPort: 10003, adminPort: 9902),
        Proxy(id: "proxy-3", host: "127.0.0.1", httpPort: 10004, grpcPort: 10005, adminPort: 9903),
    ]

    static var gatewayEvents: [GatewayEvent] {
        [restAPI, graphqlAPI, grpcAPI].map(GatewayEvent.serviceRegistered)
            + [apiRoute, graphqlRoute, grpcRoute].map(GatewayEvent.routeAdded)
            + proxies.map(GatewayEvent.proxyRegistered)
    }

    static var gateway: GatewayState { state(gatewayEvents) }

    /// Folds events with consecutive sequence numbers from 1.
    static func state(_ events: [GatewayEvent]) -> GatewayState {
        var state = GatewayState()
        for (index, event) in events.enumerated() { state.apply(event, seq: UInt64(index + 1)) }
        return state
    }

    static func state(services: [Service] = [], routes: [Route] = [], proxies: [Proxy] = []) -> GatewayState {
        state(
            services.map(GatewayEvent.serviceRegistered) + routes.map(GatewayEvent.routeAdded)
                + proxies.map(GatewayEvent.proxyRegistered))
    }

    static func cluster(_ service: Service) -> Envoy_Config_Cluster_V3_Cluster {
        Translator.sharedResources(for: state(services: [service])).clusters[0]
    }

    /// The route configuration of `kind` for these routes.
    static func routeConfiguration(
        _ kind: ListenerKind = .http, routes: [Route]
    ) -> Envoy_Config_Route_V3_RouteConfiguration {
        let configurations = Translator.sharedResources(for: state(routes: routes)).routeConfigurations
        return configurations.first { $0.name == kind.rawValue }!
    }

    static func routes(_ routes: [Route], on kind: ListenerKind = .http) -> [Envoy_Config_Route_V3_Route] {
        routeConfiguration(kind, routes: routes).virtualHosts[0].routes
    }

    static func route(_ route: Route) -> Envoy_Config_Route_V3_Route {
        routes([route], on: route.listener)[0]
    }

    static func connectionManager(
        _ listener: Envoy_Config_Listener_V3_Listener
    ) throws -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager {
        try .init(unpackingAny: listener.filterChains[0].filters[0].typedConfig)
    }

    static func listener(
        _ kind: ListenerKind, of proxy: Proxy, in state: GatewayState
    ) -> Envoy_Config_Listener_V3_Listener? {
        Translator.listeners(for: proxy, in: state).first { $0.name == Translator.listenerName(for: kind) }
    }

    /// Every resource of the state, each encoded deterministically, concatenated.
    static func encodedResources(of state: GatewayState) throws -> [UInt8] {
        let shared = Translator.sharedResources(for: state)
        var bytes = try encoded(shared.clusters) + encoded(shared.loadAssignments) + encoded(shared.routeConfigurations)
        for proxy in state.sortedProxies { bytes += try encoded(Translator.listeners(for: proxy, in: state)) }
        return bytes
    }

    static func encoded(_ messages: [some SwiftProtobuf.Message]) throws -> [UInt8] {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return try messages.flatMap { try $0.serializedBytes(options: options) as [UInt8] }
    }
}
