/// The four xDS types an Envoy subscribes to over ADS, in the order it asks for them.
enum ResourceType: String, CaseIterable, Sendable {
    case clusters = "cds"
    case endpoints = "eds"
    case listeners = "lds"
    case routes = "rds"

    var typeURL: String {
        switch self {
        case .clusters: "type.googleapis.com/envoy.config.cluster.v3.Cluster"
        case .endpoints: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment"
        case .listeners: "type.googleapis.com/envoy.config.listener.v3.Listener"
        case .routes: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
        }
    }

    var shortName: String { rawValue }

    /// Position in `allCases`, for `PerType`.
    var index: Int {
        switch self {
        case .clusters: 0
        case .endpoints: 1
        case .listeners: 2
        case .routes: 3
        }
    }

    /// CDS and LDS are wildcard subscriptions whose responses carry every resource.
    var isWildcard: Bool { self == .clusters || self == .listeners }

    /// The type whose resources this type's resources name: an EDS cluster names its endpoints, a listener its routes.
    var followed: ResourceType? {
        switch self {
        case .clusters: .endpoints
        case .listeners: .routes
        case .endpoints, .routes: nil
        }
    }

    init?(typeURL: String) {
        guard let type = ResourceType.allCases.first(where: { $0.typeURL == typeURL }) else { return nil }
        self = type
    }

}

/// A small fixed map from resource type to a value, cheaper per stream than a Dictionary.
struct PerType<Value> {
    private var values: [Value]

    init(repeating value: Value) {
        values = Array(repeating: value, count: ResourceType.allCases.count)
    }

    subscript(type: ResourceType) -> Value {
        get { values[type.index] }
        set { values[type.index] = newValue }
    }
}

extension PerType: Sendable where Value: Sendable {}
