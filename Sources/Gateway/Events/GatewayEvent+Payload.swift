extension ConfigRollback: BinaryCodable {
    /// Schema 3: the routes carry their rate limits in `Route`'s layout. Schema 2 is read by
    /// `Upcaster.rollbackSchema2`.
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(targetVersion)
        writer.writeString(reason)
        writer.write(upsertedServices)
        writer.writeStrings(removedServices)
        writer.write(upsertedRoutes)
        writer.writeStrings(removedRoutes)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> ConfigRollback {
        let targetVersion = try reader.readVarUInt()
        let reason = try reader.readString()
        let upsertedServices = try reader.readArray(Service.self)
        let removedServices = try reader.readStrings()
        let upsertedRoutes = try reader.readArray(Route.self)
        let removedRoutes = try reader.readStrings()
        return ConfigRollback(
            targetVersion: targetVersion, reason: reason, upsertedServices: upsertedServices,
            removedServices: removedServices, upsertedRoutes: upsertedRoutes, removedRoutes: removedRoutes)
    }
}

extension DeclarativeApplied: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(sourceHash)
        writer.writeString(summary)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> DeclarativeApplied {
        let sourceHash = try reader.readString()
        return DeclarativeApplied(sourceHash: sourceHash, summary: try reader.readString())
    }
}

extension ConnectedNode: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(id)
        writer.writeString(cluster)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> ConnectedNode {
        let id = try reader.readString()
        return ConnectedNode(id: id, cluster: try reader.readString())
    }
}

extension ProxyAck: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(typeURL)
        writer.writeString(version)
        writer.writeStrings(nodes)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> ProxyAck {
        let typeURL = try reader.readString()
        let version = try reader.readString()
        return ProxyAck(typeURL: typeURL, version: version, nodes: try reader.readStrings())
    }
}

extension ProxyNack: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(typeURL)
        writer.writeString(version)
        writer.writeString(message)
        writer.writeStrings(nodes)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> ProxyNack {
        let typeURL = try reader.readString()
        let version = try reader.readString()
        let message = try reader.readString()
        return ProxyNack(typeURL: typeURL, version: version, message: message, nodes: try reader.readStrings())
    }
}

/// What an event carries: its binary payload and, for export and display, its JSON.
public typealias EventPayload = BinaryEncodable & Encodable

/// A payload that is one value, shown in JSON as an object with one key (`{"name": ...}`).
struct Field<Value: BinaryEncodable & Encodable>: BinaryEncodable, Encodable {
    let key: String
    let value: Value

    init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }

    func encode(to writer: inout BinaryWriter) { value.encode(to: &writer) }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        try container.encode(value, forKey: FieldKey(stringValue: key))
    }

    private struct FieldKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

/// ProxyPinned's payload.
struct PinPayload: BinaryCodable, Encodable {
    let key: ProxyKey
    let version: UInt64

    func encode(to writer: inout BinaryWriter) {
        key.encode(to: &writer)
        writer.writeVarUInt(version)
    }

    static func decode(from reader: inout BinaryReader) throws(PayloadError) -> PinPayload {
        let key = try reader.read(ProxyKey.self)
        return PinPayload(key: key, version: try reader.readVarUInt())
    }
}

extension GatewayEvent {
    /// The event's payload in the current schema version of its type.
    public func encodePayload() -> [UInt8] {
        describe { _, payload, _, _ in
            var writer = BinaryWriter()
            payload.encode(to: &writer)
            return writer.bytes
        }
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
        return try decode(known, schemaVersion: schemaVersion, payload: payload)
    }

    /// Decodes a stored payload; an older schema version goes through its upcaster.
    public static func decode(
        type: String,
        schemaVersion: UInt16,
        payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        guard let known = EventType(rawValue: type) else {
            throw PayloadError("unknown event type '\(type)' (schema version \(schemaVersion))")
        }
        return try decode(known, schemaVersion: schemaVersion, payload: payload)
    }

    /// The current schema version decodes with the type's row; an older one with the upcaster
    /// its row lists for that version (`EventType.row`).
    private static func decode(
        _ type: EventType, schemaVersion: UInt16, payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        let row = type.row
        let decode: EventType.Decode
        if schemaVersion == row.schema {
            decode = row.decode
        } else if let upcaster = row.upcasters()[schemaVersion] {
            decode = upcaster
        } else {
            throw PayloadError("unsupported schema version \(schemaVersion) of event type '\(type.name)'")
        }
        var reader = BinaryReader(payload)
        let event: GatewayEvent
        do {
            event = try decode(&reader)
            try reader.expectEnd()
        } catch {
            throw PayloadError("\(type.name) v\(schemaVersion): \(error.message)")
        }
        return event
    }
}
