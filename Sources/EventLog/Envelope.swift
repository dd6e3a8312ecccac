import Crypto
import Foundation

/// Whether an event changes the configuration or only records what a proxy did. The envelope
/// header carries it, so a configuration fold skips observations without decoding them.
public enum EventKind: UInt8, Sendable, Codable {
    case configuration = 1
    case observation = 2
}

/// One stored event: its place in the log, who caused it, its payload and its link in the
/// hash chain. Immutable once written.
public struct Envelope: Sendable, Equatable {
    public var sequence: UInt64
    /// Milliseconds since 1970 UTC; never decreases along the log.
    public var recordedAt: Int64
    public var kind: EventKind
    public var type: String
    public var schemaVersion: UInt16
    public var actor: String
    public var requestID: String
    /// Entities the event touches (`service/rest-api`), kept in the envelope so the
    /// `by_entity` index can be rebuilt from the log alone.
    public var entities: [String]
    public var payload: [UInt8]
    public var previousHash: [UInt8]
    public var hash: [UInt8]

    public init(
        sequence: UInt64, recordedAt: Int64, kind: EventKind, type: String, schemaVersion: UInt16,
        actor: String, requestID: String, entities: [String], payload: [UInt8],
        previousHash: [UInt8], hash: [UInt8] = []
    ) {
        self.sequence = sequence
        self.recordedAt = recordedAt
        self.kind = kind
        self.type = type
        self.schemaVersion = schemaVersion
        self.actor = actor
        self.requestID = requestID
        self.entities = entities
        self.payload = payload
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash that precedes the first event.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)
}

/// The stored form of an envelope, format 1:
///
///     u8 format | u8 kind | u64 seq | i64 recorded_at | u16 schema | str16 type | str16 actor
///     | str16 request_id | u16 count, str16 entities… | u32 payload length, payload
///     | 32 bytes previous hash | 32 bytes hash
///
/// Integers are big-endian. The hash is SHA-256 over every byte before it, previous hash
/// included: it is both the envelope's checksum and its link in the chain.
enum EnvelopeFormat {
    static let version: UInt8 = 1
    static let hashLength = 32
    /// Offsets of the fixed header, read by `EnvelopeView` without parsing the rest.
    static let kindOffset = 1
    static let sequenceOffset = 2
    static let recordedAtOffset = 10
    static let schemaOffset = 18
    static let typeOffset = 20

    /// Encodes `envelope`, computing its hash; returns the bytes and the hash.
    static func encode(_ envelope: Envelope) throws(EventLogError) -> (bytes: [UInt8], hash: [UInt8]) {
        var out = [UInt8]()
        out.reserveCapacity(96 + envelope.payload.count + envelope.type.utf8.count + envelope.actor.utf8.count)
        out.append(version)
        out.append(envelope.kind.rawValue)
        appendInteger(envelope.sequence, to: &out)
        appendInteger(UInt64(bitPattern: envelope.recordedAt), to: &out)
        appendInteger(envelope.schemaVersion, to: &out)
        try appendString(envelope.type, field: "type", to: &out)
        try appendString(envelope.actor, field: "actor", to: &out)
        try appendString(envelope.requestID, field: "request_id", to: &out)
        guard envelope.entities.count <= Int(UInt16.max) else {
            throw EventLogError(.invalidEvent, "entities: more than \(UInt16.max)")
        }
        appendInteger(UInt16(envelope.entities.count), to: &out)
        for entity in envelope.entities { try appendString(entity, field: "entities", to: &out) }
        guard envelope.payload.count <= Int(UInt32.max) else { throw EventLogError(.invalidEvent, "payload too large") }
        appendInteger(UInt32(envelope.payload.count), to: &out)
        out.append(contentsOf: envelope.payload)
        guard envelope.previousHash.count == hashLength else {
            throw EventLogError(.invalidEvent, "previous_hash: must be 32 bytes")
        }
        out.append(contentsOf: envelope.previousHash)
        let hash = Array(SHA256.hash(data: out))
        out.append(contentsOf: hash)
        return (out, hash)
    }

    /// Decodes and checks stored bytes; a mismatch names what is wrong.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(EventLogError) -> Envelope {
        var reader = ByteReader(bytes)
        let format = try reader.integer(UInt8.self, "format")
        guard format == version else { throw EventLogError(.corrupt, "unknown envelope format \(format)") }
        guard let kind = EventKind(rawValue: try reader.integer(UInt8.self, "kind")) else {
            throw EventLogError(.corrupt, "unknown event kind")
        }
        let sequence = try reader.integer(UInt64.self, "sequence")
        let recordedAt = Int64(bitPattern: try reader.integer(UInt64.self, "recorded_at"))
        let schema = try reader.integer(UInt16.self, "schema_version")
        let type = try reader.string("type")
        let actor = try reader.string("actor")
        let requestID = try reader.string("request_id")
        let entityCount = try reader.integer(UInt16.self, "entities")
        var entities = [String]()
        entities.reserveCapacity(Int(entityCount))
        for _ in 0..<entityCount { entities.append(try reader.string("entities")) }
        let payloadLength = try reader.integer(UInt32.self, "payload length")
        let payload = try reader.bytes(Int(payloadLength), "payload")
        let previousHash = try reader.bytes(hashLength, "previous_hash")
        let hashed = reader.offset
        let hash = try reader.bytes(hashLength, "hash")
        guard reader.offset == bytes.count else { throw EventLogError(.corrupt, "trailing bytes after hash") }
        guard Array(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: bytes[0..<hashed]))) == hash else {
            throw EventLogError(.corrupt, "checksum mismatch: the stored hash does not match the envelope's bytes")
        }
        return Envelope(
            sequence: sequence, recordedAt: recordedAt, kind: kind, type: type, schemaVersion: schema,
            actor: actor, requestID: requestID, entities: entities, payload: payload,
            previousHash: previousHash, hash: hash)
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }

    private static func appendString(_ value: String, field: String, to out: inout [UInt8]) throws(EventLogError) {
        let utf8 = value.utf8
        guard utf8.count <= Int(UInt16.max) else {
            throw EventLogError(.invalidEvent, "\(field): longer than 65535 bytes")
        }
        appendInteger(UInt16(utf8.count), to: &out)
        out.append(contentsOf: utf8)
    }
}

/// Bounds-checked big-endian reads over stored bytes; running off the end is corruption.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(EventLogError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw EventLogError(.corrupt, "truncated at \(field)") }
        var value = T.zero
        for i in 0..<size { value = value << 8 | T(bytes[offset + i]) }
        offset += size
        return value
    }

    mutating func raw(_ count: Int, _ field: String) throws(EventLogError) -> UnsafeRawBufferPointer {
        guard count >= 0, offset + count <= bytes.count else { throw EventLogError(.corrupt, "truncated at \(field)") }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    mutating func bytes(_ count: Int, _ field: String) throws(EventLogError) -> [UInt8] {
        Array(try raw(count, field))
    }

    mutating func string(_ field: String) throws(EventLogError) -> String {
        let length = try integer(UInt16.self, field)
        return String(decoding: try raw(Int(length), field), as: UTF8.self)
    }
}
