import EnvoyAPI
import Foundation

extension ConfigRenderer {
    /// A node's snapshot in Envoy's JSON form, decoded from the very bytes that are served.
    public static func json(_ snapshot: NodeSnapshot) throws -> Data {
        try json(
            clusters: snapshot.clusters.resources.map { try Envoy_Config_Cluster_V3_Cluster(serializedBytes: $0.bytes) },
            loadAssignments: snapshot.endpoints.resources.map {
                try Envoy_Config_Endpoint_V3_ClusterLoadAssignment(serializedBytes: $0.bytes)
            },
            listeners: snapshot.listeners.resources.map {
                try Envoy_Config_Listener_V3_Listener(serializedBytes: $0.bytes)
            },
            routeConfigurations: snapshot.routes.resources.map {
                try Envoy_Config_Route_V3_RouteConfiguration(serializedBytes: $0.bytes)
            })
    }
}
