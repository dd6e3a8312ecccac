import Gateway
import Synchronization

/// A kind's resources sorted by key, computed once per configuration version. Versions only
/// grow and every change to services, routes or proxies makes a new one, so a version names
/// one sorted list exactly.
final class SortedResources<Kind: ResourceKind>: Sendable {
    private let cached = Mutex<(version: UInt64, resources: [Kind.Resource])?>(nil)

    func resources(in state: GatewayState) -> [Kind.Resource] {
        if let hit = cached.withLock({ $0 }), hit.version == state.version { return hit.resources }
        // Sorted outside the lock, so readers of the old version are not held up; two racing
        // readers may both sort once, which is harmless.
        let resources = Kind.sorted(in: state)
        cached.withLock { current in
            if (current?.version ?? 0) <= state.version { current = (state.version, resources) }
        }
        return resources
    }
}
