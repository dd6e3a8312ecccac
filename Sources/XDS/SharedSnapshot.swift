import Crypto
import EnvoyAPI
import Gateway

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
