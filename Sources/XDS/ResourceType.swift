/// The four xDS resource types Logbook serves, in make-before-break push order.
public enum ResourceType: Int, CaseIterable, Comparable, Sendable {
    case cluster
    case endpoint
    case listener
    case route

    public var typeURL: String {
        switch self {
        case .cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster"
        case .endpoint: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
        case .listener: "type.googleapis.com/envoy.config.listener.v3.Listener"
        case .route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
        }
    }

    /// The short name operators know: CDS, EDS, LDS, RDS.
    public var shortName: String {
        switch self {
        case .cluster: "CDS"
        case .endpoint: "EDS"
        case .listener: "LDS"
        case .route: "RDS"
        }
    }

    public init?(typeURL: String) {
        guard let type = Self.allCases.first(where: { $0.typeURL == typeURL }) else { return nil }
        self = type
    }

    /// LDS and CDS responses carry every resource (a missing one is deleted); RDS and EDS are by name.
    public var isStateOfTheWorldComplete: Bool { self == .cluster || self == .listener }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
