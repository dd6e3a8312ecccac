import Hummingbird
import Logging

/// The router: every endpoint behind the middleware that logs, shapes errors and counts requests.
///
/// Endpoints (all JSON, all with `x-backend-instance`):
/// - `GET /api/categories`, `GET /api/products`, `GET /api/products/{id}`: the inventory.
/// - `GET /health`: liveness, never failed on purpose.
/// - `GET /api/delay?ms=N`: test support, see `DelayController`.
/// - `GET /debug/requests`: test support, see `InstanceController.requests`.
public func buildRouter(
    configuration: DemoRESTConfiguration, inventory: Inventory, ledger: RequestLedger, logger: Logger
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    // Outermost first: the log line sees the final status, errors already shaped, injected failures included.
    router.add(middleware: AccessLogMiddleware(logger: logger))
    router.add(middleware: BackendResponseMiddleware(instanceName: configuration.instanceName))
    router.add(middleware: RequestLedgerMiddleware(ledger: ledger))
    router.addRoutes(ProductController(inventory: inventory).endpoints, atPath: "/api")
    router.addRoutes(DelayController().endpoints, atPath: "/api")
    router.addRoutes(InstanceController(instanceName: configuration.instanceName, ledger: ledger).endpoints)
    return router
}

/// The backend as a Hummingbird application over an inventory already loaded; `onServerRunning` gets
/// the bound port (the one to use when `configuration.port` is 0).
public func buildApplication(
    configuration: DemoRESTConfiguration, inventory: Inventory, logger: Logger = Logger(label: "demo-rest"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let ledger = RequestLedger(failEvery: configuration.failEvery)
    // The framework's own info lines ("Server started and listening ...") stay quiet: the executable
    // prints the one listening line supervisors wait for, and a second one could be mistaken for it.
    var serverLogger = logger
    serverLogger.logLevel = max(logger.logLevel, .notice)
    return Application(
        router: buildRouter(configuration: configuration, inventory: inventory, ledger: ledger, logger: logger),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "demo-rest"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: serverLogger)
}

/// Loads the inventory from `configuration.dataPath`, then builds the application; a bad file is
/// an `InventoryError` naming the file, line and field.
public func buildApplication(
    configuration: DemoRESTConfiguration, logger: Logger = Logger(label: "demo-rest"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws(InventoryError) -> some ApplicationProtocol {
    let inventory = try Inventory.load(csvAt: configuration.dataPath)
    return buildApplication(
        configuration: configuration, inventory: inventory, logger: logger, onServerRunning: onServerRunning)
}
