import Foundation

/// A coding key for any string, used to see every key a JSON object actually holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Rejects keys that `Keys` does not know, so a typo in a config file is an error, not a silent default.
    public func rejectUnknownKeys<Keys: CodingKey>(_ keys: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let unknown = container.allKeys.filter { Keys(stringValue: $0.stringValue) == nil }
            .sorted { $0.stringValue < $1.stringValue }
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [first],
                    debugDescription: "unknown key \(ValidationError.quote(first.stringValue))"
                )
            )
        }
    }
}
