import Foundation

/// A JSON value written as a Swift literal: the OpenAPI document is data, not generated code.
indirect enum JSONValue: Sendable, Encodable, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral,
    ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral
{
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null

    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .integer(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

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
