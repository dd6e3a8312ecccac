import Foundation

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
    public static let proxyPinned = "ProxyPinned"
    public static let proxyUnpinned = "ProxyUnpinned"
    public static let proxyConnected = "ProxyConnected"
    public static let proxyDisconnected = "ProxyDisconnected"
    public static let proxyAcked = "ProxyAcked"
    public static let proxyNacked = "ProxyNacked"

    /// Schema 1 of ServiceRegistered/ServiceUpdated was the JSON prototype (see migrations/0001-service-lb-rename);
    /// every other type of the first release started at 2, and types added later start at 1.
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
        proxyPinned: 1,
        proxyUnpinned: 1,
        proxyConnected: 1,
        proxyDisconnected: 1,
        proxyAcked: 1,
        proxyNacked: 1,
    ]

    /// nil for a type this build does not know.
    public static func currentSchemaVersion(for type: String) -> UInt16? {
        currentSchemaVersions[type]
    }

    public static var allTypes: [String] { currentSchemaVersions.keys.sorted() }

    /// Each known type's name as bytes, with its name, current schema and case, sorted by name.
    private static let known: [(bytes: [UInt8], name: String, schema: UInt16, case: Case)] =
        currentSchemaVersions.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), $0.key, $0.value, Case($0.key)!) }

    /// Finds a stored type name among the known ones without making a String: the fold's path.
    static func lookUp(_ bytes: UnsafeRawBufferPointer) -> (name: String, schema: UInt16, case: Case)? {
        for entry in known where entry.bytes.count == bytes.count {
            let equal = entry.bytes.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            if equal { return (entry.name, entry.schema, entry.case) }
        }
        return nil
    }

    /// A known type as a value to switch on (decoding switches on this, not on strings).
    enum Case {
        case serviceRegistered, serviceUpdated, serviceRemoved
        case routeAdded, routeChanged, routeRemoved
        case proxyRegistered, proxyDeregistered
        case configRolledBack, declarativeConfigApplied
        case proxyPinned, proxyUnpinned
        case proxyConnected, proxyDisconnected, proxyAcked, proxyNacked

        init?(_ type: String) {
            switch type {
            case EventType.serviceRegistered: self = .serviceRegistered
            case EventType.serviceUpdated: self = .serviceUpdated
            case EventType.serviceRemoved: self = .serviceRemoved
            case EventType.routeAdded: self = .routeAdded
            case EventType.routeChanged: self = .routeChanged
            case EventType.routeRemoved: self = .routeRemoved
            case EventType.proxyRegistered: self = .proxyRegistered
            case EventType.proxyDeregistered: self = .proxyDeregistered
            case EventType.configRolledBack: self = .configRolledBack
            case EventType.declarativeConfigApplied: self = .declarativeConfigApplied
            case EventType.proxyPinned: self = .proxyPinned
            case EventType.proxyUnpinned: self = .proxyUnpinned
            case EventType.proxyConnected: self = .proxyConnected
            case EventType.proxyDisconnected: self = .proxyDisconnected
            case EventType.proxyAcked: self = .proxyAcked
            case EventType.proxyNacked: self = .proxyNacked
            default: return nil
            }
        }
    }
}
