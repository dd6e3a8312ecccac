import Gateway
import Hummingbird
import HummingbirdCore
import LogbookCore
import Logging

/// The router: every endpoint, behind the middleware that counts requests, names them and
/// shapes errors. `metrics` is injected so tests need not bootstrap the process-wide system.
///
/// `envoyConfig` renders the Envoy resources `GET /config` and `GET /config/at` show; without
/// one (a process that runs no xDS server) they answer 503. Throws when the OpenAPI document
/// cannot be read (`OpenAPIDocument`).
func buildRouter(
    logbook: Logbook, configuration: AdminAPIConfiguration = AdminAPIConfiguration(),
    metrics: APIMetrics = APIMetrics(), envoyConfig: (any EnvoyConfigSource)? = nil,
    authenticators: [any BearerAuthenticator]? = nil
) throws -> Router<AdminRequestContext> {
    let router = Router(context: AdminRequestContext.self)
    // Outermost, so it counts the status the client finally gets, errors included.
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: RequestMetadataMiddleware())
    let mode = configuration.authentication
    router.add(
        middleware: AuthenticationMiddleware(
            authenticators: authenticators ?? [TokenAuthenticator(logbook: logbook)],
            isRequired: { mode == .required || (mode == .automatic && logbook.tokens.everIssued) },
            limiter: FailureLimiter(limit: configuration.authFailuresPerMinute), metrics: metrics))
    try addEndpoints(
        to: router, logbook: logbook, configuration: configuration, metrics: metrics, envoyConfig: envoyConfig)
    return router
}

/// Registers every endpoint on `routes`: the real router, or a recorder that lists them
/// (the test that holds the OpenAPI document to the routes actually served). Throws when the
/// OpenAPI document cannot be read, so a server without it fails as it starts.
public func addEndpoints<Routes: RouterMethods<AdminRequestContext>>(
    to routes: Routes, logbook: Logbook, configuration: AdminAPIConfiguration, metrics: APIMetrics,
    envoyConfig: (any EnvoyConfigSource)? = nil
) throws {
    routes.addRoutes(
        StatusController(
            logbook: logbook, buildVersion: configuration.buildVersion, metrics: metrics,
            openAPI: try OpenAPIDocument.json(), started: .now
        ).endpoints)
    routes.addRoutes(
        ResourceController<ServiceKind>(logbook: logbook, createPath: "add", metrics: metrics).endpoints,
        atPath: "/services")
    routes.addRoutes(
        ResourceController<RouteKind>(logbook: logbook, createPath: "add", metrics: metrics).endpoints,
        atPath: "/routes")
    routes.addRoutes(ProxyController(logbook: logbook, metrics: metrics).endpoints, atPath: "/proxies")
    routes.addRoutes(
        ConfigController(
            logbook: logbook, configPath: configuration.configPath, metrics: metrics, envoyConfig: envoyConfig
        ).endpoints,
        atPath: "/config")
    routes.addRoutes(
        EventStreamController(logbook: logbook, metrics: metrics, heartbeat: configuration.streamHeartbeat).endpoints)
    routes.addRoutes(AuditController(logbook: logbook).endpoints)
    routes.addRoutes(TokenController(logbook: logbook, metrics: metrics).endpoints, atPath: "/tokens")
}

/// The HTTP API as a Hummingbird application; `onServerRunning` gets the bound port
/// (the one to use when `configuration.port` is 0). Each request logs one line with `logger`
/// (by default nowhere). Throws when the OpenAPI document cannot be read.
public func buildApplication(
    logbook: Logbook, configuration: AdminAPIConfiguration = AdminAPIConfiguration(),
    metrics: APIMetrics = APIMetrics(), envoyConfig: (any EnvoyConfigSource)? = nil,
    authenticators: [any BearerAuthenticator]? = nil,
    logger: Logger = Logger(label: "logbook.api", factory: { _ in SwiftLogNoOpLogHandler() }),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    Application(
        router: try buildRouter(
            logbook: logbook, configuration: configuration, metrics: metrics, envoyConfig: envoyConfig,
            authenticators: authenticators),
        server: .guardedHTTP1(limits: configuration.connectionLimits),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "logbook",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.connectionLimits.maxConnections)),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
