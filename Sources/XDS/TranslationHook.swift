import Crypto
import EnvoyAPI
import Gateway

/// A test seam on translation: changes the translated resources before they are encoded,
/// for example to make Envoy reject one. Production passes none.
public struct TranslationHook: Sendable {
    public var clusters: (@Sendable (inout [Envoy_Config_Cluster_V3_Cluster]) -> Void)?
    public var routes: (@Sendable (inout [Envoy_Config_Route_V3_RouteConfiguration]) -> Void)?
    public var listeners: (@Sendable (inout [Envoy_Config_Listener_V3_Listener]) -> Void)?

    public init(
        clusters: (@Sendable (inout [Envoy_Config_Cluster_V3_Cluster]) -> Void)? = nil,
        routes: (@Sendable (inout [Envoy_Config_Route_V3_RouteConfiguration]) -> Void)? = nil,
        listeners: (@Sendable (inout [Envoy_Config_Listener_V3_Listener]) -> Void)? = nil
    ) {
        self.clusters = clusters
        self.routes = routes
        self.listeners = listeners
    }
}
