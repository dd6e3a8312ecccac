/// Where a route sends traffic; in JSON it is the route's `service` or `weighted` key.
public enum RouteDestination: Equatable, Hashable, Sendable {
    case service(String)
    case weighted([WeightedService])

    /// Every service named, in declaration order.
    public var serviceNames: [String] {
        switch self {
        case .service(let name): [name]
        case .weighted(let entries): entries.map(\.service)
        }
    }
}
