import EnvoyAPI
import GRPCCore

/// State of the world over ADS, as Envoy does it: wildcard CDS and LDS, EDS and RDS by name, ACK everything.
struct SotWStreamDriver: StreamDriver {
    typealias Request = Envoy_Service_Discovery_V3_DiscoveryRequest
    typealias Response = Envoy_Service_Discovery_V3_DiscoveryResponse

    static var method: MethodDescriptor {
        Envoy_Service_Discovery_V3_AggregatedDiscoveryService.Method.StreamAggregatedResources.descriptor
    }

    private let identity: StreamIdentity
    /// nil: not subscribed. An empty list on CDS and LDS is the wildcard.
    private var subscribed = PerType<[String]?>(repeating: nil)
    private var acceptedVersion = PerType(repeating: "")
    private var latestNonce = PerType(repeating: "")
    private var progress = InitialConfigProgress()
    private var starter: RequestStarter

    init(identity: StreamIdentity) {
        self.identity = identity
        starter = RequestStarter(node: identity.node)
    }

    mutating func start() -> [Outbound<Request>] {
        subscribed[.clusters] = []
        subscribed[.listeners] = []
        return [Outbound(request: request(for: .clusters)), Outbound(request: request(for: .listeners))]
    }

    mutating func receive(_ response: Response, at time: ContinuousClock.Instant) -> [Outbound<Request>] {
        guard let type = ResourceType(typeURL: response.typeURL) else {
            return [Outbound(request: acknowledgingUnknownType(response))]
        }
        latestNonce[type] = response.nonce
        var outbound: [Outbound<Request>] = []
        do {
            // Envoy asks for what a response refers to before it ACKs the response.
            // An empty first request would be a wildcard, so an unsubscribed type stays so until names appear.
            if let follow = type.followed, let names = try referencedNames(in: response, of: type),
                names != subscribed[follow], !(names.isEmpty && subscribed[follow] == nil)
            {
                subscribed[follow] = names
                outbound.append(Outbound(request: request(for: follow)))
            }
        } catch {
            outbound.append(Outbound(request: rejection(of: type, because: error)))
            return outbound
        }
        acceptedVersion[type] = response.versionInfo
        var ack = Outbound(request: request(for: type))
        if type == identity.watchType {
            ack.watched = WatchedVersion(version: response.versionInfo, receivedAt: time)
        }
        let subscribed = self.subscribed
        ack.completesInitialConfig = progress.recordACK(of: type) { expected in
            expected.isWildcard || !(subscribed[expected]?.isEmpty ?? true)
        }
        outbound.append(ack)
        return outbound
    }

    /// Sorted, distinct names of the resources `response` refers to, or nil when there is nothing to follow.
    private func referencedNames(in response: Response, of type: ResourceType) throws -> [String]? {
        var names = Set<String>()
        switch type {
        case .clusters:
            for resource in response.resources {
                if let name = try ResourceReferences.endpointName(ofCluster: resource) { names.insert(name) }
            }
        case .listeners:
            if let fixed = identity.fixedRouteNames { return fixed }
            for resource in response.resources {
                names.formUnion(try ResourceReferences.routeNames(ofListener: resource))
            }
        case .endpoints, .routes:
            return nil
        }
        return names.sorted()
    }

    /// A request for `type` carrying the current subscription, the last accepted version and the latest nonce.
    private mutating func request(for type: ResourceType) -> Request {
        var request = request(forTypeURL: type.typeURL)
        request.resourceNames = subscribed[type] ?? []
        request.versionInfo = acceptedVersion[type]
        request.responseNonce = latestNonce[type]
        return request
    }

    private mutating func rejection(of type: ResourceType, because error: any Error) -> Request {
        var request = request(for: type)
        request.errorDetail.code = 3  // google.rpc.Code.INVALID_ARGUMENT
        request.errorDetail.message = "xds-load could not decode the response: \(error)"
        return request
    }

    /// A type this client never asked for: ACK it so the server is not left waiting.
    private mutating func acknowledgingUnknownType(_ response: Response) -> Request {
        var request = request(forTypeURL: response.typeURL)
        request.versionInfo = response.versionInfo
        request.responseNonce = response.nonce
        return request
    }

    private mutating func request(forTypeURL typeURL: String) -> Request {
        starter.request(typeURL: typeURL)
    }
}
