import Foundation

/// An envelope as JSON: the one shape `export`, the HTTP API (`GET /events`, `/events/{seq}`, the
/// SSE stream) and `logbook events --json` share, so a reader can check the chain (`hash`,
/// `prev_hash`) from any of them. An export record is lossless (`payload` in base64 and
/// `recorded_at_ms`), so an exported log imports to the same bytes and the same chain; a header
/// leaves those two out, and its readers add the decoded event beside it.
public struct EnvelopeRecord: Codable, Sendable, Equatable {
    public var seq: UInt64
    /// Export only; import needs it.
    public var recordedAtMs: Int64?
    /// The same instant in ISO 8601, for people reading the file; import ignores it.
    public var recordedAt: String
    public var kind: String
    public var type: String
    public var schemaVersion: UInt16
    public var actor: String
    public var requestId: String
    public var entities: [String]
    /// Export only: the payload bytes in base64; import needs it.
    public var payload: String?
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

    /// The lossless record `export` writes.
    public init(_ envelope: Envelope) {
        self.init(header: envelope)
        recordedAtMs = envelope.recordedAt
        payload = Data(envelope.payload).base64EncodedString()
    }

    /// The envelope's fields without its payload bytes, for readers that show the decoded event.
    public init(header envelope: Envelope) {
        seq = envelope.sequence
        recordedAt = Timestamp.iso8601(milliseconds: envelope.recordedAt)
        kind = envelope.kind == .configuration ? "configuration" : "observation"
        type = envelope.type
        schemaVersion = envelope.schemaVersion
        actor = envelope.actor
        requestId = envelope.requestID
        entities = envelope.entities
        prevHash = Hex.encode(envelope.previousHash)
        hash = Hex.encode(envelope.hash)
    }

    /// The record in canonical JSON, with already-encoded JSON (the decoded event) added as `key`.
    public func json(adding key: String, raw: Data) -> Data {
        // A plain value of strings and numbers: encoding it cannot fail short of a bug.
        CanonicalJSON.object((try? CanonicalJSON.encode(self)) ?? Data("{}".utf8), adding: key, raw: raw)
    }

    /// The envelope this record describes; throws naming the field that does not parse.
    public func envelope() throws(EventLogError) -> Envelope {
        let kind: EventKind
        switch self.kind {
        case "configuration": kind = .configuration
        case "observation": kind = .observation
        default: throw EventLogError(.invalidEvent, "kind: must be configuration or observation, not '\(self.kind)'")
        }
        guard let recordedAtMs else { throw EventLogError(.invalidEvent, "recorded_at_ms: missing") }
        guard let payload else { throw EventLogError(.invalidEvent, "payload: missing") }
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

/// An idempotency key's first answer as one JSON Lines record. Export writes these after the
/// envelopes and import stores them, so a request retried against a restored log is replayed
/// instead of appended twice. The envelopes do not carry the key, so without these lines (an
/// export from before they existed) an import has no keys to replay.
public struct IdempotencyKeyRecord: Codable, Sendable, Equatable {
    public var idempotencyKey: String
    /// The first and last sequence the request wrote; absent when it held no events.
    public var sequences: [UInt64]?
    public var head: UInt64
    public var recordedAtMs: Int64
    /// The request's fingerprint, in hex.
    public var digest: String

    enum CodingKeys: String, CodingKey {
        case sequences, head, digest
        case idempotencyKey = "idempotency_key"
        case recordedAtMs = "recorded_at_ms"
    }

    public init(key: String, _ record: IdempotencyRecord) {
        idempotencyKey = key
        sequences = record.sequences.map { [$0.lowerBound, $0.upperBound] }
        head = record.head
        recordedAtMs = record.recordedAt
        digest = Hex.encode(record.requestDigest)
    }

    /// The record this line describes; throws naming the field that does not parse.
    public func record() throws(EventLogError) -> IdempotencyRecord {
        guard let requestDigest = Hex.decode(digest) else {
            throw EventLogError(.invalidEvent, "digest: not hex digits")
        }
        var range: ClosedRange<UInt64>?
        if let sequences {
            guard sequences.count == 2, sequences[0] >= 1, sequences[0] <= sequences[1], sequences[1] <= head else {
                throw EventLogError(.invalidEvent, "sequences: must be [first, last] with 1 <= first <= last <= head")
            }
            range = sequences[0]...sequences[1]
        }
        return IdempotencyRecord(sequences: range, head: head, recordedAt: recordedAtMs, requestDigest: requestDigest)
    }
}

/// One line of an export: an envelope, or (with an `idempotency_key` field) a key's first answer.
enum TransferLine: Decodable {
    case envelope(EnvelopeRecord)
    case idempotency(IdempotencyKeyRecord)

    private struct Probe: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if try decoder.container(keyedBy: Probe.self).contains(Probe(stringValue: "idempotency_key")) {
            self = .idempotency(try IdempotencyKeyRecord(from: decoder))
        } else {
            self = .envelope(try EnvelopeRecord(from: decoder))
        }
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
