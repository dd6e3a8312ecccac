/// Just enough of the protobuf wire format to assemble responses from prepared fields.
///
/// Protobuf lets fields arrive in any order and concatenated messages merge, so a response
/// can be built by appending shared, already-encoded resource fields to a few per-stream ones.
enum ProtoWire {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out = [UInt8]()
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    /// A length-delimited field (wire type 2): tag, length, bytes.
    static func lengthDelimited(field: Int, _ bytes: [UInt8]) -> [UInt8] {
        var out = varint(UInt64(field << 3 | 2))
        out += varint(UInt64(bytes.count))
        out += bytes
        return out
    }

    static func string(field: Int, _ text: String) -> [UInt8] {
        lengthDelimited(field: field, Array(text.utf8))
    }

    /// google.protobuf.Any { type_url = 1; value = 2 }.
    static func anyMessage(typeURL: String, value: [UInt8]) -> [UInt8] {
        string(field: 1, typeURL) + lengthDelimited(field: 2, value)
    }
}
