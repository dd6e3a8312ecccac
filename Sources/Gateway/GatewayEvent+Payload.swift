extension ConfigRollback: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(targetVersion)
        writer.writeString(reason)
        writer.write(upsertedServices)
        writer.writeStrings(removedServices)
        writer.write(upsertedRoutes)
        writer.writeStrings(removedRoutes)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        targetVersion = try reader.readVarUInt()
        reason = try reader.readString()
        upsertedServices = try reader.readArray(Service.self)
        removedServices = try reader.readStrings()
        upsertedRoutes = try reader.readArray(Route.self)
        removedRoutes = try reader.readStrings()
    }
}

extension DeclarativeApplied: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(sourceHash)
        writer.writeString(summary)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        sourceHash = try reader.readString()
        summary = try reader.readString()
    }
}

extension GatewayEvent {
    /// The event's payload in the current schema version of its type.
    public func encodePayload() -> [UInt8] {
        var writer = BinaryWriter()
        switch self {
        case .serviceRegistered(let service), .serviceUpdated(let service): writer.write(service)
        case .serviceRemoved(let name): writer.writeString(name)
        case .routeAdded(let route), .routeChanged(let route): writer.write(route)
        case .routeRemoved(let name): writer.writeString(name)
        case .proxyRegistered(let proxy): writer.write(proxy)
        case .proxyDeregistered(let key): writer.writeString(key)
        case .configRolledBack(let rollback): writer.write(rollback)
        case .declarativeConfigApplied(let applied): writer.write(applied)
        }
        return writer.bytes
    }

    public static func decode(type: String, schemaVersion: UInt16, payload: [UInt8]) throws(PayloadError)
        -> GatewayEvent
    {
        // withUnsafeBytes rethrows untyped errors, so the typed error travels in a Result.
        let result = payload.withUnsafeBytes { buffer in
            Result { () throws(PayloadError) in try decode(type: type, schemaVersion: schemaVersion, payload: buffer) }
        }
        return try result.get()
    }

    /// Decodes from the stored type name's bytes, making no String for it: the fold's path.
    public static func decode(
        typeName: UnsafeRawBufferPointer,
        schemaVersion: UInt16,
        payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        guard let known = EventType.lookUp(typeName) else {
            let type = String(decoding: typeName, as: UTF8.self)
            throw PayloadError("unknown event type '\(type)' (schema version \(schemaVersion))")
        }
        guard schemaVersion == known.schema else {
            return try Upcaster.upcast(type: known.name, schemaVersion: schemaVersion, payload: payload)
        }
        return try decodeCurrent(type: known.name, schemaVersion: schemaVersion, payload: payload)
    }

    /// Decodes a stored payload; older schema versions go through `Upcaster`.
    public static func decode(
        type: String,
        schemaVersion: UInt16,
        payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        guard let current = EventType.currentSchemaVersion(for: type) else {
            throw PayloadError("unknown event type '\(type)' (schema version \(schemaVersion))")
        }
        guard schemaVersion == current else {
            return try Upcaster.upcast(type: type, schemaVersion: schemaVersion, payload: payload)
        }
        return try decodeCurrent(type: type, schemaVersion: schemaVersion, payload: payload)
    }

    private static func decodeCurrent(
        type: String, schemaVersion: UInt16, payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        var reader = BinaryReader(payload)
        let event: GatewayEvent
        do {
            event = try decodeCurrent(type: type, reader: &reader)
            try reader.expectEnd()
        } catch {
            throw PayloadError("\(type) v\(schemaVersion): \(error.message)")
        }
        return event
    }

    private static func decodeCurrent(type: String, reader: inout BinaryReader) throws(PayloadError) -> GatewayEvent {
        switch type {
        case EventType.serviceRegistered: return .serviceRegistered(try reader.read(Service.self))
        case EventType.serviceUpdated: return .serviceUpdated(try reader.read(Service.self))
        case EventType.serviceRemoved: return .serviceRemoved(name: try reader.readString())
        case EventType.routeAdded: return .routeAdded(try reader.read(Route.self))
        case EventType.routeChanged: return .routeChanged(try reader.read(Route.self))
        case EventType.routeRemoved: return .routeRemoved(name: try reader.readString())
        case EventType.proxyRegistered: return .proxyRegistered(try reader.read(Proxy.self))
        case EventType.proxyDeregistered: return .proxyDeregistered(key: try reader.readString())
        case EventType.configRolledBack: return .configRolledBack(try reader.read(ConfigRollback.self))
        case EventType.declarativeConfigApplied:
            return .declarativeConfigApplied(try reader.read(DeclarativeApplied.self))
        default: throw PayloadError("unknown event type '\(type)'")
        }
    }
}
