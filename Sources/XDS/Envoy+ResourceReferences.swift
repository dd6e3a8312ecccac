import Crypto
import EnvoyAPI
import Gateway

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
