import Foundation

/// The one table of event types: each case is a type stored in the log, its raw value the name
/// stored in the envelope, and `row` its current schema version, kind and payload decoder.
/// Everything else about a type (its name's bytes, the lookup, `allTypes`) derives from here.
public enum EventType: String, CaseIterable, Sendable {
    case serviceRegistered = "ServiceRegistered"
    case serviceUpdated = "ServiceUpdated"
    case serviceRemoved = "ServiceRemoved"
    case routeAdded = "RouteAdded"
    case routeChanged = "RouteChanged"
    case routeRemoved = "RouteRemoved"
    case proxyRegistered = "ProxyRegistered"
    case proxyDeregistered = "ProxyDeregistered"
    case configRolledBack = "ConfigRolledBack"
    case declarativeConfigApplied = "DeclarativeConfigApplied"
    case proxyPinned = "ProxyPinned"
    case proxyUnpinned = "ProxyUnpinned"
    case proxyConnected = "ProxyConnected"
    case proxyDisconnected = "ProxyDisconnected"
    case proxyAcked = "ProxyAcked"
    case proxyNacked = "ProxyNacked"
    case tokenIssued = "TokenIssued"
    case tokenRevoked = "TokenRevoked"

    /// Reads one schema version's payload into the current event.
    typealias Decode = (inout BinaryReader) throws(PayloadError) -> GatewayEvent

    /// What the log knows about a type: the schema version this build writes, its kind, whether
    /// it changes the configuration version, how a payload of that schema version decodes, and
    /// the upcasters: how each older schema version still found in logs decodes into the
    /// current event (the helpers are in `Upcaster`).
    struct Row {
        let schema: UInt16
        let kind: EventKind
        let changesConfiguration: Bool
        let decode: Decode
        /// A closure, so the fold's path (current versions) never builds the dictionary.
        let upcasters: () -> [UInt16: Decode]

        init(
            _ schema: UInt16,
            _ kind: EventKind = .configuration,
            changesConfiguration: Bool? = nil,
            upcasters: @autoclosure @escaping () -> [UInt16: Decode] = [:],
            decode: @escaping Decode
        ) {
            self.schema = schema
            self.kind = kind
            self.changesConfiguration = changesConfiguration ?? (kind == .configuration)
            self.upcasters = upcasters
            self.decode = decode
        }
    }

    /// Schema 1 of ServiceRegistered/ServiceUpdated was the JSON prototype (see migrations/0001-service-lb-rename);
    /// every other type of the first release started at 2, and types added later start at 1.
    /// Schema 3 of RouteAdded/RouteChanged/ConfigRolledBack made the rate limit a field of the
    /// route instead of a section after the payload (see migrations/0002-rate-limit-field).
    /// To change a payload: raise its schema here, decode the new layout, and list the old
    /// version under `upcasters`; events are never rewritten.
    var row: Row {
        switch self {
        case .serviceRegistered:
            Row(
                2,
                upcasters: [1: { old throws(PayloadError) in .serviceRegistered(try Upcaster.serviceSchema1(&old)) }]
            ) { reader throws(PayloadError) in .serviceRegistered(try reader.read()) }
        case .serviceUpdated:
            Row(
                2,
                upcasters: [1: { old throws(PayloadError) in .serviceUpdated(try Upcaster.serviceSchema1(&old)) }]
            ) { reader throws(PayloadError) in .serviceUpdated(try reader.read()) }
        case .serviceRemoved: Row(2) { reader throws(PayloadError) in .serviceRemoved(name: try reader.read()) }
        case .routeAdded:
            Row(
                3,
                upcasters: [2: { old throws(PayloadError) in .routeAdded(try Upcaster.routeSchema2(&old)) }]
            ) { reader throws(PayloadError) in .routeAdded(try reader.read(RouteEvent.self).route) }
        case .routeChanged:
            Row(
                3,
                upcasters: [2: { old throws(PayloadError) in .routeChanged(try Upcaster.routeSchema2(&old)) }]
            ) { reader throws(PayloadError) in .routeChanged(try reader.read(RouteEvent.self).route) }
        case .routeRemoved: Row(2) { reader throws(PayloadError) in .routeRemoved(name: try reader.read()) }
        case .proxyRegistered: Row(2) { reader throws(PayloadError) in .proxyRegistered(try reader.read()) }
        case .proxyDeregistered: Row(2) { reader throws(PayloadError) in .proxyDeregistered(key: try reader.read()) }
        case .configRolledBack:
            Row(
                3,
                upcasters: [2: { old throws(PayloadError) in .configRolledBack(try Upcaster.rollbackSchema2(&old)) }]
            ) { reader throws(PayloadError) in .configRolledBack(try reader.read()) }
        case .declarativeConfigApplied:
            // The marker that closes a declarative apply: its changes are the events before it.
            Row(2, changesConfiguration: false) { reader throws(PayloadError) in
                .declarativeConfigApplied(try reader.read())
            }
        case .proxyPinned:
            Row(1) { reader throws(PayloadError) in
                let pin = try reader.read(PinPayload.self)
                return .proxyPinned(key: pin.key, version: pin.version)
            }
        case .proxyUnpinned: Row(1) { reader throws(PayloadError) in .proxyUnpinned(key: try reader.read()) }
        case .proxyConnected:
            Row(1, .observation) { reader throws(PayloadError) in .proxyConnected(nodes: try reader.read()) }
        case .proxyDisconnected:
            Row(1, .observation) { reader throws(PayloadError) in .proxyDisconnected(nodes: try reader.read()) }
        case .proxyAcked: Row(1, .observation) { reader throws(PayloadError) in .proxyAcked(try reader.read()) }
        case .proxyNacked: Row(1, .observation) { reader throws(PayloadError) in .proxyNacked(try reader.read()) }
        // Tokens are access, not configuration: folded (into `TokenRegistry`), but the version,
        // the state and what xDS sends stay as they were.
        case .tokenIssued:
            Row(1, changesConfiguration: false) { reader throws(PayloadError) in .tokenIssued(try reader.read()) }
        case .tokenRevoked:
            Row(1, changesConfiguration: false) { reader throws(PayloadError) in
                .tokenRevoked(name: try reader.read())
            }
        }
    }

    /// The name stored in the envelope.
    public var name: String { rawValue }

    /// The schema version this build writes for the type.
    public var schemaVersion: UInt16 { row.schema }

    public var kind: EventKind { row.kind }

    /// nil for a type this build does not know.
    public static func currentSchemaVersion(for type: String) -> UInt16? {
        EventType(rawValue: type)?.schemaVersion
    }

    /// Every known type's name, sorted.
    public static var allTypes: [String] { allCases.map(\.name).sorted() }

    /// Each known type's name as bytes, with the type, sorted by name.
    private static let known: [(bytes: [UInt8], type: EventType)] =
        allCases.sorted { $0.name < $1.name }.map { (Array($0.name.utf8), $0) }

    /// Finds a stored type name among the known ones without making a String: the fold's path.
    static func lookUp(_ bytes: UnsafeRawBufferPointer) -> EventType? {
        for entry in known where entry.bytes.count == bytes.count {
            let equal = entry.bytes.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            if equal { return entry.type }
        }
        return nil
    }
}
