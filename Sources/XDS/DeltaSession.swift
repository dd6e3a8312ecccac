import EnvoyAPI

/// One incremental response before encoding.
struct DeltaResponse: Sendable {
    let type: ResourceType
    let systemVersion: String
    let resources: [EncodedResource]
    let removed: [String]
    let nonce: String

    var wire: WireResponse {
        .delta(type: type, systemVersion: systemVersion, resources: resources, removed: removed, nonce: nonce)
    }
}

/// The protocol state of one delta ADS stream: docs/xds-protocol.md, rules 14-20 ("rule N" below is
/// that file's rule N). Per resource, the version the client holds, so each response carries only
/// what differs. Pure, like the SotW session.
struct DeltaSession {
    private struct TypeState {
        var started = false
        var wildcard = false
        var names: Set<String> = []
        /// What the client holds, by name: the versions we sent or it told us (rule 19).
        var held: [String: String] = [:]
        /// Subscribed names already reported absent, so each absence is reported once (rule 18).
        var reportedAbsent: Set<String> = []
        var lastNonce: String?
        var sentVersion: String?
        var acceptedVersion: String?
        /// For RDS: the clusters the routes last sent refer to.
        var sentReferences: Set<String> = []
        /// Answer even with nothing in it: the first request of a type waits for a response to finish initializing.
        var mustAnswer = false
        /// Names to send again whatever version the client reports when this type starts (rule 13).
        var resendOnStart: Set<String> = []
    }

    let node: NodeIdentity
    private let observer: any StreamObserver
    private var types = [TypeState](repeating: TypeState(), count: ResourceType.allCases.count)
    private var nonceCounter: UInt64 = 0
    /// Clusters referred to by routes the node accepted: not removed until those routes are gone (rule 12).
    private var acceptedRouteClusters: Set<String> = []

    init(node: NodeIdentity, observer: any StreamObserver) {
        self.node = node
        self.observer = observer
    }

    func acceptedVersion(of type: ResourceType) -> String? { types[type.rawValue].acceptedVersion }

    mutating func receive(_ request: Envoy_Service_Discovery_V3_DeltaDiscoveryRequest, snapshot: NodeSnapshot)
        -> [DeltaResponse]
    {
        guard let type = ResourceType(typeURL: request.typeURL) else { return [] }
        var state = types[type.rawValue]
        let isFirst = !state.started
        if isFirst {
            state.started = true
            state.mustAnswer = true
            state.held = request.initialResourceVersions
            for name in state.resendOnStart { state.held[name] = nil }
            state.resendOnStart = []
            // Envoy's legacy wildcard: a first LDS or CDS request that names nothing (rule 8).
            state.wildcard = request.resourceNamesSubscribe.isEmpty && type.isStateOfTheWorldComplete
        }
        // Subscription changes count even on a stale nonce (rule 15).
        for name in request.resourceNamesSubscribe {
            if name == "*" {
                state.wildcard = true
                continue
            }
            state.names.insert(name)
            state.reportedAbsent.remove(name)
            // Every newly subscribed name is sent, even if the client seems to have it (rule 16);
            // on a new stream, what the client reports holding is what it has (rule 19).
            if !(isFirst && request.initialResourceVersions[name] != nil) { state.held[name] = nil }
        }
        for name in request.resourceNamesUnsubscribe {
            if name == "*" {
                state.wildcard = false
            } else if state.names.remove(name) != nil, !state.wildcard {
                // Unsubscribing a name never subscribed changes nothing (rule 17).
                state.held[name] = nil
                state.reportedAbsent.remove(name)
            }
        }
        var routesAccepted = false
        if !request.responseNonce.isEmpty, request.responseNonce == state.lastNonce, let sent = state.sentVersion {
            if request.hasErrorDetail {
                // The held versions stay as sent, so the rejected resources are not sent again (rule 4).
                observer.nacked(node, type: type, version: sent, message: request.errorDetail.message)
            } else {
                if state.acceptedVersion != sent { observer.acked(node, type: type, version: sent) }
                state.acceptedVersion = sent
                if type == .route {
                    acceptedRouteClusters = state.sentReferences
                    routesAccepted = true
                }
            }
        }
        types[type.rawValue] = state
        var responses = push(types: [type], snapshot: snapshot)
        if routesAccepted { responses += push(types: [.cluster], snapshot: snapshot) }
        return responses
    }

    /// A new snapshot: send each type's differences, in make-before-break order.
    mutating func update(snapshot: NodeSnapshot) -> [DeltaResponse] {
        push(types: ResourceType.allCases, snapshot: snapshot)
    }

    /// Forgets what the client holds of `names`, so they are sent again, now or when the type starts.
    private mutating func resend(_ names: [String], of type: ResourceType) {
        if types[type.rawValue].started {
            for name in names { types[type.rawValue].held[name] = nil }
        } else {
            types[type.rawValue].resendOnStart.formUnion(names)
        }
    }

    private mutating func push(types selected: [ResourceType], snapshot: NodeSnapshot) -> [DeltaResponse] {
        var responses: [DeltaResponse] = []
        for type in selected.sorted() {
            var state = types[type.rawValue]
            guard state.started else { continue }
            let set = snapshot[type]
            var changed: [EncodedResource] = []
            var removed: [String] = []
            let candidates = set.selected(by: state.wildcard ? .wildcard : .names(NameSet(state.names)))
            for resource in candidates where state.held[resource.name] != resource.version {
                changed.append(resource)
            }
            for name in state.held.keys where set[name] == nil {
                // A removed cluster stays while routes the node runs still refer to it (rule 12).
                if type == .cluster, acceptedRouteClusters.contains(name) { continue }
                removed.append(name)
            }
            for name in state.names
            where set[name] == nil && state.held[name] == nil && !state.reportedAbsent.contains(name) {
                removed.append(name)
            }
            guard !changed.isEmpty || !removed.isEmpty || state.mustAnswer else { continue }
            state.mustAnswer = false
            for resource in changed {
                state.held[resource.name] = resource.version
                state.reportedAbsent.remove(resource.name)
            }
            for name in removed {
                state.held[name] = nil
                if state.names.contains(name) { state.reportedAbsent.insert(name) }
            }
            nonceCounter += 1
            let nonce = String(nonceCounter)
            state.lastNonce = nonce
            state.sentVersion = snapshot.label
            if type == .route {
                state.sentReferences = Set(set.resources.filter { state.held[$0.name] != nil }.flatMap(\.references))
            }
            types[type.rawValue] = state
            // Changed clusters warm again and wait for their endpoints; changed listeners wait for
            // their routes: send those too (rule 13).
            if type == .cluster { resend(changed.map(\.name), of: .endpoint) }
            if type == .listener { resend(changed.flatMap(\.references), of: .route) }
            responses.append(
                DeltaResponse(
                    type: type, systemVersion: snapshot.label, resources: changed, removed: removed.sorted(),
                    nonce: nonce))
        }
        return responses
    }
}
