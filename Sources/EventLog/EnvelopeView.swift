/// A stored envelope seen in place, inside a read transaction, for folds that must not copy or
/// hash: it parses only the header fields a fold needs. Valid only inside the scan's closure.
public struct EnvelopeView {
    public let bytes: UnsafeRawBufferPointer

    public var kind: EventKind? {
        EventKind(rawValue: bytes.count > EnvelopeFormat.kindOffset ? bytes[EnvelopeFormat.kindOffset] : 0)
    }

    public var sequence: UInt64 {
        get throws(EventLogError) {
            var reader = ByteReader(bytes, offset: EnvelopeFormat.sequenceOffset)
            return try reader.integer(UInt64.self, "sequence")
        }
    }

    public var schemaVersion: UInt16 {
        get throws(EventLogError) {
            var reader = ByteReader(bytes, offset: EnvelopeFormat.schemaOffset)
            return try reader.integer(UInt16.self, "schema_version")
        }
    }

    /// The event type's UTF-8 bytes, without making a String.
    public var typeBytes: UnsafeRawBufferPointer {
        get throws(EventLogError) {
            var reader = ByteReader(bytes, offset: EnvelopeFormat.typeOffset)
            let length = try reader.integer(UInt16.self, "type")
            return try reader.raw(Int(length), "type")
        }
    }

    public var type: String {
        get throws(EventLogError) { String(decoding: try typeBytes, as: UTF8.self) }
    }

    /// The payload in place, found by skipping the variable-length header fields.
    public var payload: UnsafeRawBufferPointer {
        get throws(EventLogError) {
            var reader = ByteReader(bytes, offset: EnvelopeFormat.typeOffset)
            for _ in 0..<3 {  // type, actor, request_id
                let length = try reader.integer(UInt16.self, "header string")
                _ = try reader.raw(Int(length), "header string")
            }
            let entities = try reader.integer(UInt16.self, "entities")
            for _ in 0..<entities {
                let length = try reader.integer(UInt16.self, "entities")
                _ = try reader.raw(Int(length), "entities")
            }
            let payloadLength = try reader.integer(UInt32.self, "payload length")
            return try reader.raw(Int(payloadLength), "payload")
        }
    }

    /// The full envelope, copied out and checked against its hash.
    public func decode() throws(EventLogError) -> Envelope {
        try EnvelopeFormat.decode(bytes)
    }
}
