extension ConfigRollback: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(targetVersion)
        writer.writeString(reason)
        writer.write(upsertedServices)
        writer.writeStrings(removedServices)
        writer.write(upsertedRoutes)
        writer.writeStrings(removedRoutes)
        if RouteRateLimits.any(in: upsertedRoutes) { RouteRateLimits.write(upsertedRoutes, to: &writer) }
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        targetVersion = try reader.readVarUInt()
        reason = try reader.readString()
        upsertedServices = try reader.readArray(Service.self)
        removedServices = try reader.readStrings()
        upsertedRoutes = try reader.readArray(Route.self)
        removedRoutes = try reader.readStrings()
        if !reader.isAtEnd {
            let names = Set(upsertedRoutes.map(\.name))
            var limits: [String: RateLimit] = [:]
            try RouteRateLimits.read(from: &reader) { name, limit throws(PayloadError) in
                guard names.contains(name), limits.updateValue(limit, forKey: name) == nil else {
                    throw PayloadError("rate limit for a route the rollback does not restore, or twice: '\(name)'")
                }
            }
            for index in upsertedRoutes.indices {
                upsertedRoutes[index].rateLimit = limits[upsertedRoutes[index].name]
            }
        }
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

extension ConnectedNode: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(id)
        writer.writeString(cluster)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        id = try reader.readString()
        cluster = try reader.readString()
    }
}

extension ProxyAck: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(typeURL)
        writer.writeString(version)
        writer.writeStrings(nodes)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        typeURL = try reader.readString()
        version = try reader.readString()
        nodes = try reader.readStrings()
    }
}

extension ProxyNack: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(typeURL)
        writer.writeString(version)
        writer.writeString(message)
        writer.writeStrings(nodes)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        typeURL = try reader.readString()
        version = try reader.readString()
        message = try reader.readString()
        nodes = try reader.readStrings()
    }
}

extension GatewayEvent {
    /// The event's payload in the current schema version of its type.
    public func encodePayload() -> [UInt8] {
        var writer = BinaryWriter()
        switch self {
        case .serviceRegistered(let service), .serviceUpdated(let service): writer.write(service)
        case .serviceRemoved(let name): writer.writeString(name)
        case .routeAdded(let route), .routeChanged(let route): route.encodeAsPayload(to: &writer)
        case .routeRemoved(let name): writer.writeString(name)
        case .proxyRegistered(let proxy): writer.write(proxy)
        case .proxyDeregistered(let key): writer.writeString(key)
        case .configRolledBack(let rollback): writer.write(rollback)
        case .declarativeConfigApplied(let applied): writer.write(applied)
        case .proxyPinned(let key, let version):
            writer.writeString(key)
            writer.writeVarUInt(version)
        case .proxyUnpinned(let key): writer.writeString(key)
        case .proxyConnected(let nodes): writer.write(nodes)
        case .proxyDisconnected(let nodes): writer.writeStrings(nodes)
        case .proxyAcked(let ack): writer.write(ack)
        case .proxyNacked(let nack): writer.write(nack)
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
        return try decodeCurrent(known.case, type: known.name, schemaVersion: schemaVersion, payload: payload)
    }

    /// Decodes a stored payload; older schema versions go through `Upcaster`.
    public static func decode(
        type: String,
        schemaVersion: UInt16,
        payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        guard let current = EventType.currentSchemaVersion(for: type), let known = EventType.Case(type) else {
            throw PayloadError("unknown event type '\(type)' (schema version \(schemaVersion))")
        }
        guard schemaVersion == current else {
            return try Upcaster.upcast(type: type, schemaVersion: schemaVersion, payload: payload)
        }
        return try decodeCurrent(known, type: type, schemaVersion: schemaVersion, payload: payload)
    }

    private static func decodeCurrent(
        _ known: EventType.Case, type: String, schemaVersion: UInt16, payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        var reader = BinaryReader(payload)
        let event: GatewayEvent
        do {
            event = try decodeCurrent(known, reader: &reader)
            try reader.expectEnd()
        } catch {
            throw PayloadError("\(type) v\(schemaVersion): \(error.message)")
        }
        return event
    }

    private static func decodeCurrent(
        _ known: EventType.Case, reader: inout BinaryReader
    ) throws(PayloadError) -> GatewayEvent {
        switch known {
        case .serviceRegistered: return .serviceRegistered(try Service.decode(from: &reader))
        case .serviceUpdated: return .serviceUpdated(try Service.decode(from: &reader))
        case .serviceRemoved: return .serviceRemoved(name: try reader.readString())
        case .routeAdded: return .routeAdded(try Route.decodePayload(from: &reader))
        case .routeChanged: return .routeChanged(try Route.decodePayload(from: &reader))
        case .routeRemoved: return .routeRemoved(name: try reader.readString())
        case .proxyRegistered: return .proxyRegistered(try Proxy.decode(from: &reader))
        case .proxyDeregistered: return .proxyDeregistered(key: try reader.readString())
        case .configRolledBack: return .configRolledBack(try ConfigRollback.decode(from: &reader))
        case .declarativeConfigApplied: return .declarativeConfigApplied(try DeclarativeApplied.decode(from: &reader))
        case .proxyPinned:
            let key = try reader.readString()
            return .proxyPinned(key: key, version: try reader.readVarUInt())
        case .proxyUnpinned: return .proxyUnpinned(key: try reader.readString())
        case .proxyConnected: return .proxyConnected(nodes: try reader.readArray(ConnectedNode.self))
        case .proxyDisconnected: return .proxyDisconnected(nodes: try reader.readStrings())
        case .proxyAcked: return .proxyAcked(try ProxyAck.decode(from: &reader))
        case .proxyNacked: return .proxyNacked(try ProxyNack.decode(from: &reader))
        }
    }
}
