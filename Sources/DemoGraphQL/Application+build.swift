import Hummingbird
import Logging

/// The router: the GraphQL endpoints behind request logging and the instance header.
/// `store` defaults to the seeded data; tests pass their own to start from a known state.
func buildRouter(
    configuration: DemoGraphQLConfiguration, store: BlogStore
) throws -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Outermost, so the logged status is the one the client gets.
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: InstanceHeaderMiddleware(instanceName: configuration.instanceName))
    router.addRoutes(
        GraphQLController(executor: try GraphQLExecutor(store: store), instanceName: configuration.instanceName)
            .endpoints)
    return router
}

/// The GraphQL backend as a Hummingbird application. `onServerRunning` gets the bound port,
/// the one to use when `configuration.port` is 0.
public func buildApplication(
    configuration: DemoGraphQLConfiguration, store: BlogStore = .seeded(),
    logger: Logger = Logger(label: "demo-graphql"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    Application(
        router: try buildRouter(configuration: configuration, store: store),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "demo-graphql"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
