import Gateway

/// What differs between services, routes and proxies as HTTP resources; everything else
/// (paging, PUT, DELETE, the answers) is shared by `ResourceController`.
protocol ResourceKind: Sendable {
    associatedtype Resource: Codable & Sendable
    /// The list key in answers and the word in messages: `services`, `service`.
    static var plural: String { get }
    static var singular: String { get }
    /// The body field that must match the path on PUT: `name`, or `id` for proxies.
    static var keyField: String { get }
    static func key(of resource: Resource) -> String
    static func sorted(in state: GatewayState) -> [Resource]
    static func find(_ key: String, in state: GatewayState) -> Resource?
    static func create(_ resource: Resource) -> GatewayCommand
    static func replace(_ resource: Resource) -> GatewayCommand
    static func remove(_ key: String) -> GatewayCommand
}

enum ServiceKind: ResourceKind {
    static let plural = "services"
    static let singular = "service"
    static let keyField = "name"
    static func key(of resource: Service) -> String { resource.name }
    static func sorted(in state: GatewayState) -> [Service] { state.sortedServices }
    static func find(_ key: String, in state: GatewayState) -> Service? { state.services[key] }
    static func create(_ resource: Service) -> GatewayCommand { .registerService(resource) }
    static func replace(_ resource: Service) -> GatewayCommand { .updateService(resource) }
    static func remove(_ key: String) -> GatewayCommand { .removeService(name: key) }
}

enum RouteKind: ResourceKind {
    static let plural = "routes"
    static let singular = "route"
    static let keyField = "name"
    static func key(of resource: Route) -> String { resource.name }
    static func sorted(in state: GatewayState) -> [Route] { state.sortedRoutes }
    static func find(_ key: String, in state: GatewayState) -> Route? { state.routes[key] }
    static func create(_ resource: Route) -> GatewayCommand { .addRoute(resource) }
    static func replace(_ resource: Route) -> GatewayCommand { .changeRoute(resource) }
    static func remove(_ key: String) -> GatewayCommand { .removeRoute(name: key) }
}

/// Proxies are addressed by `Proxy.key` in its textual form (`ProxyKey`).
enum ProxyKind: ResourceKind {
    static let plural = "proxies"
    static let singular = "proxy"
    static let keyField = "id"
    static func key(of resource: Proxy) -> String { resource.key.description }
    static func sorted(in state: GatewayState) -> [Proxy] { state.sortedProxies }
    static func find(_ key: String, in state: GatewayState) -> Proxy? { state.proxies[ProxyKey(key)] }
    static func create(_ resource: Proxy) -> GatewayCommand { .registerProxy(resource) }
    static func replace(_ resource: Proxy) -> GatewayCommand { .updateProxy(resource) }
    static func remove(_ key: String) -> GatewayCommand { .deregisterProxy(key: ProxyKey(key)) }
}
