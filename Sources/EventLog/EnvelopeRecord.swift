import Foundation

/// An envelope as one JSON Lines record: lossless (the payload in base64, the hashes in hex),
/// so an exported log imports to the same bytes and the same chain.
public struct EnvelopeRecord: Codable, Sendable, Equatable {
    public var seq: UInt64
    public var recordedAtMs: Int64
    /// The same instant in ISO 8601, for people reading the file; import ignores it.
    public var recordedAt: String
    public var kind: String
    public var type: String
    public var schemaVersion: UInt16
    public var actor: String
    public var requestId: String
    public var entities: [String]
    public var payload: String
    public var prevHash: String
    public var hash: String

    enum CodingKeys: String, CodingKey {
        case seq, kind, type, actor, entities, payload, hash
        case recordedAtMs = "recorded_at_ms"
        case recordedAt = "recorded_at"
        case schemaVersion = "schema_version"
        case requestId = "request_id"
        case prevHash = "prev_hash"
    }

    public init(_ envelope: Envelope) {
        seq = envelope.sequence
        recordedAtMs = envelope.recordedAt
        recordedAt = Timestamp.iso8601(milliseconds: envelope.recordedAt)
        kind = envelope.kind == .configuration ? "configuration" : "observation"
        type = envelope.type
        schemaVersion = envelope.schemaVersion
        actor = envelope.actor
        requestId = envelope.requestID
        entities = envelope.entities
        payload = Data(envelope.payload).base64EncodedString()
        prevHash = Hex.encode(envelope.previousHash)
        hash = Hex.encode(envelope.hash)
    }

    /// The envelope this record describes; throws naming the field that does not parse.
    public func envelope() throws(EventLogError) -> Envelope {
        let kind: EventKind
        switch self.kind {
        case "configuration": kind = .configuration
        case "observation": kind = .observation
        default: throw EventLogError(.invalidEvent, "kind: must be configuration or observation, not '\(self.kind)'")
        }
        guard let payload = Data(base64Encoded: payload) else {
            throw EventLogError(.invalidEvent, "payload: not valid base64")
        }
        guard let previousHash = Hex.decode(prevHash), previousHash.count == 32 else {
            throw EventLogError(.invalidEvent, "prev_hash: not 64 hex digits")
        }
        guard let hash = Hex.decode(hash), hash.count == 32 else {
            throw EventLogError(.invalidEvent, "hash: not 64 hex digits")
        }
        return Envelope(
            sequence: seq, recordedAt: recordedAtMs, kind: kind, type: type, schemaVersion: schemaVersion,
            actor: actor, requestID: requestId, entities: entities, payload: Array(payload),
            previousHash: previousHash, hash: hash)
    }
}

public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

public enum Timestamp {
    /// `2026-11-27T10:58:11.123Z`: UTC with milliseconds.
    public static func iso8601(milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        return date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
