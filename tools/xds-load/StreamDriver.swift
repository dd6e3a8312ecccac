import EnvoyAPI
import GRPCCore
import SwiftProtobuf

/// One ADS stream's Envoy-like behaviour, without any I/O: given the responses, which requests follow.
///
/// A driver lives for one stream attempt; a reconnect starts from a fresh one, as a restarted Envoy would.
protocol StreamDriver: Sendable {
    associatedtype Request: Message & Sendable
    associatedtype Response: Message & Sendable

    /// The gRPC method this driver speaks.
    static var method: MethodDescriptor { get }

    /// The first requests: wildcard CDS, then wildcard LDS.
    mutating func start() -> [Outbound<Request>]

    /// The requests that follow a response: new EDS/RDS subscriptions, then the ACK.
    mutating func receive(_ response: Response, at time: ContinuousClock.Instant) -> [Outbound<Request>]
}

/// A request to send, with what sending it means to the measurement.
struct Outbound<Request: Sendable>: Sendable {
    var request: Request
    /// Set on the ACK of a response of the watched type.
    var watched: WatchedVersion? = nil
    /// Set on the ACK after which every subscribed type has been ACKed at least once.
    var completesInitialConfig = false
}

/// The watched type's version a stream holds once its ACK is sent, and when the response arrived.
struct WatchedVersion: Sendable {
    var version: String
    var receivedAt: ContinuousClock.Instant
}

/// What every driver is told at the start.
struct StreamIdentity: Sendable {
    var node: Envoy_Config_Core_V3_Node
    var watchType: ResourceType
    /// RouteConfiguration names from --rds-names, used instead of reading listeners.
    var fixedRouteNames: [String]?

    init(nodeID: String, fleet: String, watchType: ResourceType, fixedRouteNames: [String]?) {
        var node = Envoy_Config_Core_V3_Node()
        node.id = nodeID
        node.cluster = fleet
        // Some control planes treat non-Envoy user agents differently; this client speaks like Envoy.
        node.userAgentName = "envoy"
        self.node = node
        self.watchType = watchType
        self.fixedRouteNames = fixedRouteNames
    }
}

/// The two ADS request types, as far as starting one goes.
protocol ADSRequest: Message {
    var node: Envoy_Config_Core_V3_Node { get set }
    var typeURL: String { get set }
}

extension Envoy_Service_Discovery_V3_DiscoveryRequest: ADSRequest {}
extension Envoy_Service_Discovery_V3_DeltaDiscoveryRequest: ADSRequest {}

/// Starts every request of a stream; only the first carries the node.
struct RequestStarter: Sendable {
    private let node: Envoy_Config_Core_V3_Node
    private var nodeSent = false

    init(node: Envoy_Config_Core_V3_Node) {
        self.node = node
    }

    mutating func request<Request: ADSRequest>(typeURL: String) -> Request {
        var request = Request()
        if !nodeSent {
            request.node = node
            nodeSent = true
        }
        request.typeURL = typeURL
        return request
    }
}

/// Tracks which subscribed types have been ACKed once, to tell when the initial config is complete.
struct InitialConfigProgress: Sendable {
    private var acked = PerType(repeating: false)
    private(set) var isComplete = false

    /// Records an ACK and says whether it is the one that completes the initial config.
    /// - Parameter expected: whether each type must be ACKed (EDS and RDS only when something is subscribed).
    mutating func recordACK(of type: ResourceType, expected: (ResourceType) -> Bool) -> Bool {
        acked[type] = true
        guard !isComplete else { return false }
        isComplete = ResourceType.allCases.allSatisfy { !expected($0) || acked[$0] }
        return isComplete
    }
}
