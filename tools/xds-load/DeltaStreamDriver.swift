import EnvoyAPI
import GRPCCore

/// Incremental xDS over ADS, as Envoy does it: wildcard CDS and LDS, EDS and RDS subscribed by name as
/// clusters and listeners come and go, every response ACKed by its nonce.
struct DeltaStreamDriver: StreamDriver {
    typealias Request = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest
    typealias Response = Envoy_Service_Discovery_V3_DeltaDiscoveryResponse

    static var method: MethodDescriptor {
        Envoy_Service_Discovery_V3_AggregatedDiscoveryService.Method.DeltaAggregatedResources.descriptor
    }

    private let identity: StreamIdentity
    private var subscribed = PerType<Set<String>>(repeating: [])
    /// What each known cluster or listener refers to, so a removal can drop its references.
    private var clusterEndpoints: [String: String] = [:]
    private var listenerRoutes: [String: [String]] = [:]
    /// Delta has no per-type version; this counts the responses that changed something.
    private var generation = PerType(repeating: 0)
    private var progress = InitialConfigProgress()
    private var starter: RequestStarter

    init(identity: StreamIdentity) {
        self.identity = identity
        starter = RequestStarter(node: identity.node)
    }

    mutating func start() -> [Outbound<Request>] {
        // An empty subscribe list on the first request of a type is the (legacy) wildcard every server knows.
        [Outbound(request: request(for: .clusters)), Outbound(request: request(for: .listeners))]
    }

    mutating func receive(_ response: Response, at time: ContinuousClock.Instant) -> [Outbound<Request>] {
        guard let type = ResourceType(typeURL: response.typeURL) else {
            var ack = request(forTypeURL: response.typeURL)
            ack.responseNonce = response.nonce
            return [Outbound(request: ack)]
        }
        var outbound: [Outbound<Request>] = []
        do {
            if let follow = type.followed, let wanted = try referencedNames(after: response, of: type) {
                let added = wanted.subtracting(subscribed[follow])
                let dropped = subscribed[follow].subtracting(wanted)
                if !added.isEmpty || !dropped.isEmpty {
                    subscribed[follow] = wanted
                    var change = request(for: follow)
                    change.resourceNamesSubscribe = added.sorted()
                    change.resourceNamesUnsubscribe = dropped.sorted()
                    outbound.append(Outbound(request: change))
                }
            }
        } catch {
            var nack = request(for: type)
            nack.responseNonce = response.nonce
            nack.errorDetail.code = 3  // google.rpc.Code.INVALID_ARGUMENT
            nack.errorDetail.message = "xds-load could not decode the response: \(error)"
            outbound.append(Outbound(request: nack))
            return outbound
        }
        if !response.resources.isEmpty || !response.removedResources.isEmpty {
            generation[type] += 1
        }
        var ack = Outbound(request: request(for: type))
        ack.request.responseNonce = response.nonce
        if type == identity.watchType {
            ack.watched = WatchedVersion(version: "generation-\(generation[type])", receivedAt: time)
        }
        let subscribed = self.subscribed
        ack.completesInitialConfig = progress.recordACK(of: type) { expected in
            expected.isWildcard || !subscribed[expected].isEmpty
        }
        outbound.append(ack)
        return outbound
    }

    /// Applies the response to the known clusters or listeners and returns every name they now refer to,
    /// or nil when this type refers to nothing.
    private mutating func referencedNames(after response: Response, of type: ResourceType) throws -> Set<String>? {
        switch type {
        case .clusters:
            for resource in response.resources {
                clusterEndpoints[resource.name] = try ResourceReferences.endpointName(ofCluster: resource.resource)
            }
            for name in response.removedResources { clusterEndpoints[name] = nil }
            return Set(clusterEndpoints.values)
        case .listeners:
            if let fixed = identity.fixedRouteNames { return Set(fixed) }
            for resource in response.resources {
                listenerRoutes[resource.name] = try ResourceReferences.routeNames(ofListener: resource.resource)
            }
            for name in response.removedResources { listenerRoutes[name] = nil }
            return Set(listenerRoutes.values.joined())
        case .endpoints, .routes:
            return nil
        }
    }

    private mutating func request(for type: ResourceType) -> Request {
        request(forTypeURL: type.typeURL)
    }

    private mutating func request(forTypeURL typeURL: String) -> Request {
        starter.request(typeURL: typeURL)
    }
}
