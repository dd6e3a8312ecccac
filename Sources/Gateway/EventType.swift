/// Event type names and the one table of their current schema versions.
public enum EventType {
    public static let serviceRegistered = "ServiceRegistered"
    public static let serviceUpdated = "ServiceUpdated"
    public static let serviceRemoved = "ServiceRemoved"
    public static let routeAdded = "RouteAdded"
    public static let routeChanged = "RouteChanged"
    public static let routeRemoved = "RouteRemoved"
    public static let proxyRegistered = "ProxyRegistered"
    public static let proxyDeregistered = "ProxyDeregistered"
    public static let configRolledBack = "ConfigRolledBack"
    public static let declarativeConfigApplied = "DeclarativeConfigApplied"

    /// Schema 1 of ServiceRegistered/ServiceUpdated was the JSON prototype (see migrations/0001-service-lb-rename);
    /// every other type started at 2.
    static let currentSchemaVersions: [String: UInt16] = [
        serviceRegistered: 2,
        serviceUpdated: 2,
        serviceRemoved: 2,
        routeAdded: 2,
        routeChanged: 2,
        routeRemoved: 2,
        proxyRegistered: 2,
        proxyDeregistered: 2,
        configRolledBack: 2,
        declarativeConfigApplied: 2,
    ]

    /// nil for a type this build does not know.
    public static func currentSchemaVersion(for type: String) -> UInt16? {
        currentSchemaVersions[type]
    }

    public static var allTypes: [String] { currentSchemaVersions.keys.sorted() }
}
