import Gateway

/// The order of routes in a virtual host. Envoy takes the first route that matches, so a more
/// specific match must come before a more general one:
/// 1. an exact `path`, then a `regex`, then a `prefix`;
/// 2. among prefixes, the longer one first (counted in UTF-8 bytes, like Envoy);
/// 3. then the route with more header conditions first;
/// 4. then by route name, so the order is total and never depends on dictionary order.
///
/// Two regexes are not ranked against each other: which is more specific is undecidable in
/// general, so they keep the name order.
struct RoutePrecedence: Comparable {
    private let kind: Int
    private let prefixLength: Int
    private let headerCount: Int
    private let name: String

    init(_ route: Route) {
        if route.match.path != nil {
            kind = 0
            prefixLength = 0
        } else if route.match.regex != nil {
            kind = 1
            prefixLength = 0
        } else {
            kind = 2
            prefixLength = route.match.prefix?.utf8.count ?? 0
        }
        headerCount = route.match.headers.count
        name = route.name
    }

    static func < (lhs: RoutePrecedence, rhs: RoutePrecedence) -> Bool {
        (lhs.kind, -lhs.prefixLength, -lhs.headerCount, lhs.name)
            < (rhs.kind, -rhs.prefixLength, -rhs.headerCount, rhs.name)
    }

    /// `routes` in the order Envoy should try them.
    static func sorted(_ routes: some Sequence<Route>) -> [Route] {
        routes.map { (RoutePrecedence($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
