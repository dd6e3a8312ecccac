import Foundation

/// A JSON value as read from a file, kept exactly: integers stay integers, and encoding it
/// with `CanonicalJSON` gives the same bytes for the same content (the OpenAPI document).
indirect enum JSONValue: Sendable, Codable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: NamedKey.self) {
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(JSONValue.self, forKey: $0)) })
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                self = .null
            } else if let bool = try? value.decode(Bool.self) {
                self = .bool(bool)
            } else if let integer = try? value.decode(Int.self) {
                self = .integer(integer)
            } else if let string = try? value.decode(String.self) {
                self = .string(string)
            } else {
                // A fraction would not come back as the same bytes; the document has none.
                throw DecodingError.dataCorruptedError(
                    in: value, debugDescription: "numbers must be integers")
            }
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var container = encoder.container(keyedBy: NamedKey.self)
            for (key, value) in members { try container.encode(value, forKey: NamedKey(key)) }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }

    /// An object's member named `key`; nil when there is none or this is not an object.
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// Adds or replaces members of an object; other values are returned unchanged.
    func merging(_ extra: [(String, JSONValue)]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        for (key, value) in extra {
            members.removeAll { $0.0 == key }
            members.append((key, value))
        }
        return .object(members)
    }
}
