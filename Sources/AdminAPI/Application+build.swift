import Hummingbird
import LogbookCore

/// The router: every endpoint, behind the middleware that names the request and shapes errors.
public func buildRouter(logbook: Logbook, configuration: AdminAPIConfiguration = AdminAPIConfiguration())
    -> Router<AdminRequestContext>
{
    let router = Router(context: AdminRequestContext.self)
    router.add(middleware: RequestMetadataMiddleware())
    router.addRoutes(
        StatusController(logbook: logbook, buildVersion: configuration.buildVersion, started: .now).endpoints)
    router.addRoutes(
        ResourceController<ServiceKind>(logbook: logbook, createPath: "add").endpoints, atPath: "/services")
    router.addRoutes(ResourceController<RouteKind>(logbook: logbook, createPath: "add").endpoints, atPath: "/routes")
    router.addRoutes(
        ResourceController<ProxyKind>(logbook: logbook, createPath: "register").endpoints, atPath: "/proxies")
    router.addRoutes(
        ConfigController(logbook: logbook, configPath: configuration.configPath).endpoints, atPath: "/config")
    router.addRoutes(AuditController(logbook: logbook).endpoints)
    return router
}

/// The HTTP API as a Hummingbird application; `onServerRunning` gets the bound port
/// (the one to use when `configuration.port` is 0).
public func buildApplication(
    logbook: Logbook, configuration: AdminAPIConfiguration = AdminAPIConfiguration(),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(logbook: logbook, configuration: configuration),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "logbook"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) })
}

/// Runs the HTTP API until SIGINT or SIGTERM, then shuts down gracefully: in-flight requests
/// finish, so every acknowledged mutation is durable before the process exits.
public enum AdminServer {
    public static func run(
        logbook: Logbook, configuration: AdminAPIConfiguration,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await buildApplication(logbook: logbook, configuration: configuration, onServerRunning: onServerRunning)
            .runService()
    }
}
