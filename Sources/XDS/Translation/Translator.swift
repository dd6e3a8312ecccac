import EnvoyAPI
import Gateway

/// The resources every node gets: the same for all proxies of one configuration version.
public struct SharedResources: Sendable {
    /// One cluster per service.
    public var clusters: [Envoy_Config_Cluster_V3_Cluster]
    /// One load assignment per EDS cluster. A service with a DNS-named endpoint becomes a STRICT_DNS
    /// cluster that carries its endpoints inline, so it has no entry here.
    public var loadAssignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment]
    /// Always exactly two: "grpc" and "http", one per `ListenerKind`, even when one has no routes,
    /// because every listener names its route configuration and would stay warming without it.
    public var routeConfigurations: [Envoy_Config_Route_V3_RouteConfiguration]

    public init(
        clusters: [Envoy_Config_Cluster_V3_Cluster],
        loadAssignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment],
        routeConfigurations: [Envoy_Config_Route_V3_RouteConfiguration]
    ) {
        self.clusters = clusters
        self.loadAssignments = loadAssignments
        self.routeConfigurations = routeConfigurations
    }
}

/// Pure translation from gateway state to Envoy resources. No clock, no randomness, and
/// every collection sorted by name, so equal input gives byte-identical output.
public enum Translator {
    /// Clusters, load assignments and route configurations, sorted by name.
    public static func sharedResources(for state: GatewayState) -> SharedResources {
        let services = state.sortedServices
        return SharedResources(
            clusters: services.map(cluster(for:)),
            loadAssignments: services.filter { !$0.needsDNS }.map(loadAssignment(for:)),
            routeConfigurations: ListenerKind.allCases
                .map { routeConfiguration(for: $0, in: state) }
                .sorted { $0.name < $1.name }
        )
    }

    /// The listeners of one registered proxy or fleet, sorted by name: one per declared port
    /// (`http_port`, `grpc_port`; the admin port is Envoy's own, not a listener).
    ///
    /// A listener binds `proxy.host`, or 127.0.0.1 when the proxy declares none: every process of
    /// the gateway runs on one machine and stays on loopback unless told otherwise (docs/design.md).
    public static func listeners(for proxy: Proxy, in state: GatewayState) -> [Envoy_Config_Listener_V3_Listener] {
        let host = proxy.host ?? defaultListenerHost
        let ports: [(ListenerKind, Int?)] = [(.http, proxy.httpPort), (.grpc, proxy.grpcPort)]
        return ports.compactMap { kind, port in
            port.map { listener(kind, host: host, port: $0, in: state) }
        }
        .sorted { $0.name < $1.name }
    }

    /// Where a listener binds when its proxy names no host.
    public static let defaultListenerHost = "127.0.0.1"

    /// The listener of one kind: "listener_http" or "listener_grpc".
    public static func listenerName(for kind: ListenerKind) -> String { "listener_\(kind.rawValue)" }

    /// The route configuration a listener of this kind takes over RDS: "http" or "grpc".
    public static func routeConfigurationName(for kind: ListenerKind) -> String { kind.rawValue }
}
