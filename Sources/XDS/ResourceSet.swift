/// Every resource of one type that a node can get at one version, ordered by name.
public struct ResourceSet: Sendable {
    public let type: ResourceType
    public let resources: [EncodedResource]
    private let indexByName: [String: Int]
    /// The fingerprint of the whole set: equal sets of (name, bytes) give equal fingerprints.
    let fullFingerprint: UInt64
    /// The digest of the names alone (see `NameSet`), to tell in O(1) that a subscription names them all.
    let names: NameSet

    init(type: ResourceType, resources: [EncodedResource]) {
        let sorted = resources.sorted { $0.name < $1.name }
        self.type = type
        self.resources = sorted
        self.indexByName = Dictionary(sorted.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.fullFingerprint = sorted.reduce(0) { $0 &+ $1.fingerprint }
        self.names = NameSet(Set(sorted.map(\.name)))
    }

    public subscript(name: String) -> EncodedResource? {
        indexByName[name].map { resources[$0] }
    }

    /// The resources a subscription selects, in name order; names that do not exist are skipped.
    func selected(by subscription: Subscription) -> [EncodedResource] {
        switch subscription {
        case .wildcard: return resources
        case .names(let names):
            // The common case, a node that asked for every resource by name, costs nothing.
            if names.isProbably(self.names) { return resources }
            return names.names.sorted().compactMap { self[$0] }
        }
    }

    /// A fingerprint of what a subscription selects: it changes exactly when a selected
    /// resource appears, disappears or changes.
    func fingerprint(of subscription: Subscription) -> UInt64 {
        switch subscription {
        case .wildcard: return fullFingerprint
        case .names(let names):
            if names.isProbably(self.names) { return fullFingerprint }
            return names.names.reduce(0) { sum, name in sum &+ (self[name]?.fingerprint ?? 0) }
        }
    }
}

/// What a stream asked for, per type: everything, or a set of names.
enum Subscription: Equatable, Sendable {
    case wildcard
    case names(NameSet)
}

/// A set of resource names with a digest computed once, so thousands of streams that name the
/// same resources can each be matched against a resource set without hashing every name again.
struct NameSet: Equatable, Sendable, ExpressibleByArrayLiteral {
    let names: Set<String>
    /// XOR of the names' hashes: equal sets give equal digests (within this process).
    let digest: Int

    init(_ names: Set<String>) {
        self.names = names
        self.digest = names.reduce(0) { $0 ^ $1.hashValue }
    }

    init(arrayLiteral elements: String...) {
        self.init(Set(elements))
    }

    var count: Int { names.count }

    /// True when both hold the same names, up to a 64-bit digest collision between sets of equal size.
    func isProbably(_ other: NameSet) -> Bool {
        count == other.count && digest == other.digest
    }

    static func == (lhs: NameSet, rhs: NameSet) -> Bool { lhs.names == rhs.names }
}
