import EnvoyAPI

/// One state-of-the-world response before encoding.
struct StateOfTheWorldResponse: Sendable {
    let type: ResourceType
    let version: String
    let resources: [EncodedResource]
    let nonce: String

    var wire: WireResponse {
        .stateOfTheWorld(type: type, version: version, resources: resources, nonce: nonce)
    }
}

/// The protocol state of one SotW ADS stream: docs/xds-protocol.md, rules 1-13 and 21-22 ("rule N"
/// below is that file's rule N). Pure: requests and snapshots in, responses out, observations to
/// the observer. No I/O, so tests drive it directly.
struct StateOfTheWorldSession {
    /// Per type: what the node asked for, and what it was last sent and accepted.
    private struct TypeState {
        var subscription: Subscription?
        var lastNonce: String?
        var sentVersion: String?
        var sentFingerprint: UInt64?
        /// The content Envoy rejected: not sent again until the content changes (rule 4).
        var rejectedFingerprint: UInt64?
        var acceptedVersion: String?
        /// Send even if unchanged (rule 13: EDS after CDS, RDS after LDS).
        var mustSend = false
        /// For RDS: the clusters the routes last sent refer to.
        var sentReferences: Set<String> = []
    }

    let node: NodeIdentity
    private let observer: any StreamObserver
    /// The snapshot `node` had at a past version, to honour a reconnecting node's version (rule 21).
    private let past: (UInt64) -> NodeSnapshot?
    private var types = [TypeState](repeating: TypeState(), count: ResourceType.allCases.count)
    private var nonceCounter: UInt64 = 0
    /// Clusters referred to by routes the node accepted; kept until those routes are gone (rule 12).
    private var acceptedRouteClusters: Set<String> = []
    /// The clusters last sent, whose bytes are reused while a removed cluster is still referenced.
    private var sentClusters: [EncodedResource] = [] {
        didSet { sentClusterNames = NameSet(Set(sentClusters.map(\.name))) }
    }
    private var sentClusterNames: NameSet = []

    init(node: NodeIdentity, observer: any StreamObserver, past: @escaping (UInt64) -> NodeSnapshot?) {
        self.node = node
        self.observer = observer
        self.past = past
    }

    /// The version of `type` the node last accepted.
    func acceptedVersion(of type: ResourceType) -> String? { types[type.rawValue].acceptedVersion }

    mutating func receive(_ request: Envoy_Service_Discovery_V3_DiscoveryRequest, snapshot: NodeSnapshot)
        -> [StateOfTheWorldResponse]
    {
        guard let type = ResourceType(typeURL: request.typeURL) else { return [] }
        var state = types[type.rawValue]
        let isFirst = state.subscription == nil
        if !request.responseNonce.isEmpty {
            // A nonce that is not the latest we sent for this type answers an outdated response (rule 5).
            guard request.responseNonce == state.lastNonce else { return [] }
            if request.hasErrorDetail {
                state.rejectedFingerprint = state.sentFingerprint
                observer.nacked(
                    node, type: type, version: state.sentVersion ?? "", message: request.errorDetail.message)
            } else if let sent = state.sentVersion {
                if state.acceptedVersion != sent { observer.acked(node, type: type, version: sent) }
                state.acceptedVersion = sent
                state.rejectedFingerprint = nil
                if type == .route { acceptedRouteClusters = state.sentReferences }
            }
        }
        let subscription = Self.subscription(after: request.resourceNames, current: state.subscription)
        let subscriptionChanged = subscription != state.subscription
        state.subscription = subscription
        // New or changed subscriptions get an answer even if nothing changed (rule 7).
        state.mustSend = state.mustSend || subscriptionChanged || state.lastNonce == nil
        types[type.rawValue] = state
        var label: String?
        if isFirst, let claimed = UInt64(request.versionInfo), let old = past(claimed) {
            if type == .cluster {
                // Until the node's routes are replaced, the clusters they use must stay (rule 12).
                acceptedRouteClusters.formUnion(references(of: old.routes.resources))
                sentClusters = old.clusters.resources
            }
            if desiredFingerprint(type, in: old).fingerprint == desiredFingerprint(type, in: snapshot).fingerprint {
                // A reconnecting node that already runs what we would send gets no new version (rule 21):
                // nothing at all for a wildcard type, its own version again for named resources, which
                // it may not all hold.
                if subscription == .wildcard {
                    adopt(claimed: request.versionInfo, type: type, snapshot: snapshot)
                    return []
                }
                label = request.versionInfo
            }
        }
        var responses = pushChanged(types: [type], snapshot: snapshot, label: label)
        if type == .route, !request.hasErrorDetail {
            // Routes that dropped a cluster are live: the cluster itself may go now (rule 12).
            responses += pushChanged(types: [.cluster, .endpoint], snapshot: snapshot)
        }
        return responses
    }

    /// Takes a reconnecting node's version of a wildcard type as what it was sent and accepted.
    private mutating func adopt(claimed: String, type: ResourceType, snapshot: NodeSnapshot) {
        let (resources, fingerprint, _) = desired(type, in: snapshot)
        var state = types[type.rawValue]
        state.sentVersion = claimed
        state.acceptedVersion = claimed
        state.sentFingerprint = fingerprint
        state.mustSend = false
        if type == .cluster { sentClusters = resources }
        types[type.rawValue] = state
        observer.acked(node, type: type, version: claimed)
    }

    /// A new snapshot: push every subscribed type whose resources changed for this node, in order.
    mutating func update(snapshot: NodeSnapshot) -> [StateOfTheWorldResponse] {
        pushChanged(types: ResourceType.allCases, snapshot: snapshot)
    }

    /// `label` replaces the snapshot's version label (a reconnecting node's own version).
    private mutating func pushChanged(types selected: [ResourceType], snapshot: NodeSnapshot, label: String? = nil)
        -> [StateOfTheWorldResponse]
    {
        var responses: [StateOfTheWorldResponse] = []
        for type in selected.sorted() {
            var state = types[type.rawValue]
            guard state.subscription != nil else { continue }
            let fingerprint = desiredFingerprint(type, in: snapshot).fingerprint
            let changed = fingerprint != state.sentFingerprint && fingerprint != state.rejectedFingerprint
            guard changed || state.mustSend else { continue }
            let (resources, _, keepsRemoved) = desired(type, in: snapshot)
            nonceCounter += 1
            let nonce = String(nonceCounter)
            // Clusters kept for make-before-break are a version of their own (rule 2): "V-kept".
            let version = label ?? (keepsRemoved ? snapshot.label + "-kept" : snapshot.label)
            state.lastNonce = nonce
            state.sentVersion = version
            state.sentFingerprint = fingerprint
            state.mustSend = false
            switch type {
            case .cluster:
                sentClusters = resources
                types[ResourceType.endpoint.rawValue].mustSend = true
            case .listener:
                types[ResourceType.route.rawValue].mustSend = true
            case .route:
                state.sentReferences = references(of: resources)
            case .endpoint:
                break
            }
            types[type.rawValue] = state
            responses.append(StateOfTheWorldResponse(type: type, version: version, resources: resources, nonce: nonce))
        }
        return responses
    }

    /// What the node should hold of `type`: what it subscribed to, plus (for clusters) any cluster
    /// removed from the snapshot that routes the node still runs refer to.
    private func desired(_ type: ResourceType, in snapshot: NodeSnapshot)
        -> (resources: [EncodedResource], fingerprint: UInt64, keepsRemoved: Bool)
    {
        let (fingerprint, kept) = desiredFingerprint(type, in: snapshot)
        let subscription = types[type.rawValue].subscription ?? .wildcard
        let resources = snapshot[type].selected(by: subscription)
        if kept.isEmpty { return (resources, fingerprint, false) }
        return ((resources + kept).sorted { $0.name < $1.name }, fingerprint, true)
    }

    /// The fingerprint of what `desired` would give, and the removed clusters it keeps, without
    /// building the list: most pushes find nothing changed for most types.
    private func desiredFingerprint(_ type: ResourceType, in snapshot: NodeSnapshot)
        -> (fingerprint: UInt64, kept: [EncodedResource])
    {
        let subscription = types[type.rawValue].subscription ?? .wildcard
        let set = snapshot[type]
        let fingerprint = set.fingerprint(of: subscription)
        // Kept clusters are sent ones missing from the set; none are missing when the names match.
        guard type == .cluster, !acceptedRouteClusters.isEmpty, !sentClusterNames.isProbably(set.names) else {
            return (fingerprint, [])
        }
        let kept = sentClusters.filter { acceptedRouteClusters.contains($0.name) && set[$0.name] == nil }
        return (kept.reduce(fingerprint) { $0 &+ $1.fingerprint }, kept)
    }

    private func references(of resources: [EncodedResource]) -> Set<String> {
        Set(resources.flatMap(\.references))
    }

    /// Rule 8: an empty first request (or "*") means everything; after explicit names, empty means none.
    static func subscription(after names: [String], current: Subscription?) -> Subscription {
        if names.contains("*") { return .wildcard }
        if names.isEmpty { return current == nil || current == .wildcard ? .wildcard : .names([]) }
        return .names(NameSet(Set(names)))
    }
}
