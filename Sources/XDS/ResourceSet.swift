/// Every resource of one type that a node can get at one version, ordered by name.
public struct ResourceSet: Sendable {
    public let type: ResourceType
    public let resources: [EncodedResource]
    private let indexByName: [String: Int]
    /// The fingerprint of the whole set: equal sets of (name, bytes) give equal fingerprints.
    let fullFingerprint: UInt64

    init(type: ResourceType, resources: [EncodedResource]) {
        let sorted = resources.sorted { $0.name < $1.name }
        self.type = type
        self.resources = sorted
        self.indexByName = Dictionary(sorted.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.fullFingerprint = sorted.reduce(0) { $0 &+ $1.fingerprint }
    }

    public subscript(name: String) -> EncodedResource? {
        indexByName[name].map { resources[$0] }
    }

    public var names: [String] { resources.map(\.name) }

    /// The resources a subscription selects, in name order; names that do not exist are skipped.
    func selected(by subscription: Subscription) -> [EncodedResource] {
        switch subscription {
        case .wildcard: return resources
        case .names(let names):
            // The common case, a node that asked for every resource by name, costs no sort.
            if names.count == resources.count, names.allSatisfy({ indexByName[$0] != nil }) { return resources }
            return names.sorted().compactMap { self[$0] }
        }
    }

    /// A fingerprint of what a subscription selects: it changes exactly when a selected
    /// resource appears, disappears or changes.
    func fingerprint(of subscription: Subscription) -> UInt64 {
        switch subscription {
        case .wildcard: return fullFingerprint
        case .names(let names):
            return names.reduce(0) { sum, name in sum &+ (self[name]?.fingerprint ?? 0) }
        }
    }
}

/// What a stream asked for, per type: everything, or a set of names.
enum Subscription: Equatable, Sendable {
    case wildcard
    case names(Set<String>)
}
