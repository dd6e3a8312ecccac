import Crypto
import EnvoyAPI
import Gateway

/// Everything one node gets at one configuration version: four resource sets and the label
/// that goes into `version_info`.
public struct NodeSnapshot: Sendable {
    /// The configuration version (a log sequence number): stable across restarts.
    public let version: UInt64
    public let clusters: ResourceSet
    public let endpoints: ResourceSet
    public let listeners: ResourceSet
    public let routes: ResourceSet

    public var label: String { String(version) }

    public subscript(type: ResourceType) -> ResourceSet {
        switch type {
        case .cluster: clusters
        case .endpoint: endpoints
        case .listener: listeners
        case .route: routes
        }
    }
}

/// The resources every node of one version shares, encoded once.
struct SharedSnapshot: Sendable {
    let version: UInt64
    let clusters: ResourceSet
    let endpoints: ResourceSet
    let routes: ResourceSet

    func with(listeners: ResourceSet) -> NodeSnapshot {
        NodeSnapshot(version: version, clusters: clusters, endpoints: endpoints, listeners: listeners, routes: routes)
    }
}

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

/// Translates and encodes: state in, encoded resource sets out.
struct SnapshotEncoder: Sendable {
    let hook: TranslationHook

    func shared(for state: GatewayState) -> SharedSnapshot {
        let resources = Translator.sharedResources(for: state)
        var clusters = resources.clusters
        var routes = resources.routeConfigurations
        hook.clusters?(&clusters)
        hook.routes?(&routes)
        return SharedSnapshot(
            version: state.version,
            clusters: ResourceSet(
                type: .cluster, resources: clusters.map { EncodedResource(name: $0.name, type: .cluster, message: $0) }),
            endpoints: ResourceSet(
                type: .endpoint,
                resources: resources.loadAssignments.map {
                    EncodedResource(name: $0.clusterName, type: .endpoint, message: $0)
                }),
            routes: ResourceSet(
                type: .route,
                resources: routes.map {
                    EncodedResource(name: $0.name, type: .route, message: $0, references: $0.clusterNames)
                }))
    }

    func listeners(for proxy: Proxy?, in state: GatewayState) -> ResourceSet {
        var listeners = proxy.map { Translator.listeners(for: $0, in: state) } ?? []
        hook.listeners?(&listeners)
        return ResourceSet(
            type: .listener,
            resources: listeners.map {
                EncodedResource(name: $0.name, type: .listener, message: $0, references: $0.routeConfigurationNames)
            })
    }
}

extension Envoy_Config_Route_V3_RouteConfiguration {
    /// Every cluster a route of this configuration can send to.
    var clusterNames: [String] {
        var names = Set<String>()
        for host in virtualHosts {
            for route in host.routes {
                guard case .route(let action)? = route.action else { continue }
                switch action.clusterSpecifier {
                case .cluster(let name)?: names.insert(name)
                case .weightedClusters(let weighted)?: names.formUnion(weighted.clusters.map(\.name))
                default: break
                }
            }
        }
        return names.sorted()
    }
}

extension Envoy_Config_Listener_V3_Listener {
    /// The route configurations this listener's HTTP connection managers take over RDS.
    var routeConfigurationNames: [String] {
        var names = Set<String>()
        for chain in filterChains {
            for filter in chain.filters {
                guard case .typedConfig(let any)? = filter.configType,
                    let manager = try? Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
                        unpackingAny: any),
                    case .rds(let rds)? = manager.routeSpecifier
                else { continue }
                names.insert(rds.routeConfigName)
            }
        }
        return names.sorted()
    }
}

extension NodeSnapshot {
    /// SHA-256 over every resource's type, name and bytes: equal digests mean byte-identical
    /// configuration, so a replayed log can be checked against the original.
    public var digest: String {
        var hash = SHA256()
        for type in ResourceType.allCases {
            for resource in self[type].resources {
                hash.update(data: Array(type.typeURL.utf8))
                hash.update(data: Array(resource.name.utf8))
                hash.update(data: resource.bytes)
            }
        }
        return hash.finalize().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }
}
