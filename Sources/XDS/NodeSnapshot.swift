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
