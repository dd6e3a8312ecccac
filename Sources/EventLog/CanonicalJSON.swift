import Foundation

/// The one JSON encoding Logbook writes with: sorted keys and unescaped slashes, so a value always
/// encodes to the same bytes, whether it goes to an export, an HTTP answer or the CLI.
public enum CanonicalJSON {
    /// A fresh encoder with the shared settings; `prettyPrinted` for files people edit or read.
    public static func encoder(prettyPrinted: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if prettyPrinted { encoder.outputFormatting.insert(.prettyPrinted) }
        return encoder
    }

    public static func encode(_ value: some Encodable) throws -> Data {
        try encoder().encode(value)
    }

    /// `{"a": ..., "<key>": <raw>}`: splices already-encoded JSON (an event payload) into an
    /// encoded object, after its own keys.
    public static func object(_ object: Data, adding key: String, raw: Data) -> Data {
        var data = object
        guard data.last == UInt8(ascii: "}") else { return data }
        data.removeLast()
        if data.count > 1 { data.append(UInt8(ascii: ",")) }
        data.append(contentsOf: Array("\"\(key)\":".utf8))
        data.append(raw)
        data.append(UInt8(ascii: "}"))
        return data
    }
}
