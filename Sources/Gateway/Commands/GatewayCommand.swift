/// A request to change the configuration; `Decider` turns it into events or refuses it.
public enum GatewayCommand: Sendable {
    case registerService(Service)
    case updateService(Service)
    case removeService(name: String)
    case addRoute(Route)
    case changeRoute(Route)
    case removeRoute(name: String)
    case registerProxy(Proxy)
    case updateProxy(Proxy)
    case deregisterProxy(key: ProxyKey)
    /// `target` is the state at `toVersion`, rebuilt by the caller from the log.
    case rollback(toVersion: UInt64, reason: String, target: GatewayState)
    case applyDeclarative(DeclarativeConfig, sourceHash: String)
    /// Serve the proxy or fleet with this `Proxy.key` exactly the resources of `version`;
    /// `target` is the state right after event `version`, rebuilt by the caller from the log.
    case pinProxy(key: ProxyKey, version: UInt64, target: GatewayState)
    case unpinProxy(key: ProxyKey)
}
