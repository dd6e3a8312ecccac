import EnvoyAPI
import Gateway

/// The resources every node gets: the same for all proxies of one configuration version.
public struct SharedResources: Sendable {
    public var clusters: [Envoy_Config_Cluster_V3_Cluster]
    public var loadAssignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment]
    public var routeConfigurations: [Envoy_Config_Route_V3_RouteConfiguration]
}

/// Pure translation from gateway state to Envoy resources. No clock, no randomness, and
/// every collection sorted by name, so equal input gives byte-identical output.
public enum Translator {
    /// Clusters, load assignments and route configurations, sorted by name.
    public static func sharedResources(for state: GatewayState) -> SharedResources {
        // TODO(translator helper): fill in.
        SharedResources(clusters: [], loadAssignments: [], routeConfigurations: [])
    }

    /// The listeners of one registered proxy or fleet, sorted by name.
    public static func listeners(for proxy: Proxy, in state: GatewayState) -> [Envoy_Config_Listener_V3_Listener] {
        // TODO(translator helper): fill in.
        []
    }
}
