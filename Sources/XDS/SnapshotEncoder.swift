import Crypto
import EnvoyAPI
import Gateway

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
