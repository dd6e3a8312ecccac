import EnvoyAPI
import SwiftProtobuf

/// What an Envoy follows from a resource: the EDS name of an EDS cluster, the RDS names of a listener.
enum ResourceReferences {
    static let httpConnectionManagerTypeURL =
        "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"

    /// The ClusterLoadAssignment name an EDS cluster asks for, or nil for other cluster types.
    static func endpointName(ofCluster resource: Google_Protobuf_Any) throws -> String? {
        let cluster = try Envoy_Config_Cluster_V3_Cluster(serializedBytes: resource.value)
        guard cluster.type == .eds else { return nil }
        let serviceName = cluster.edsClusterConfig.serviceName
        return serviceName.isEmpty ? cluster.name : serviceName
    }

    /// The RouteConfiguration names a listener's HTTP connection managers load over RDS.
    static func routeNames(ofListener resource: Google_Protobuf_Any) throws -> [String] {
        let listener = try Envoy_Config_Listener_V3_Listener(serializedBytes: resource.value)
        var names: [String] = []
        for chain in listener.filterChains {
            for filter in chain.filters where filter.typedConfig.typeURL == httpConnectionManagerTypeURL {
                let manager = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
                    serializedBytes: filter.typedConfig.value)
                if case .rds(let rds) = manager.routeSpecifier, !names.contains(rds.routeConfigName) {
                    names.append(rds.routeConfigName)
                }
            }
        }
        return names
    }
}
