/// The rollback-relevant part of the state: services and routes (proxies are not rolled back).
public struct GatewayConfiguration: Equatable, Sendable {
    public var services: [String: Service]
    public var routes: [String: Route]

    public init(services: [String: Service] = [:], routes: [String: Route] = [:]) {
        self.services = services
        self.routes = routes
    }
}
