import Foundation

/// A configuration duration in whole milliseconds, written "250ms", "5s", "1.5s", "2m" or "1h".
public struct ConfigDuration: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    public static func milliseconds(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value) }
    public static func seconds(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value * 1000) }
    public static func minutes(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value * 60_000) }
    public static func hours(_ value: Int64) -> ConfigDuration { ConfigDuration(milliseconds: value * 3_600_000) }

    public static let zero = ConfigDuration(milliseconds: 0)

    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    static let acceptedForms =
        "a non-negative number followed by ms, s, m or h (e.g. \"250ms\", \"5s\", \"1.5s\", \"2m\", \"1h\")"

    /// Parses "250ms", "1.5s", "2m", "1h"; nil unless the value is a whole, non-negative number of milliseconds.
    public init?(parsing text: String) {
        let units: [(suffix: String, factor: Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        guard let unit = units.first(where: { text.hasSuffix($0.suffix) }) else { return nil }
        let number = text.dropLast(unit.suffix.count)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy({ $0.isASCII && $0.isNumber }), whole.count <= 12
        else { return nil }
        guard let wholeValue = Int64(whole) else { return nil }
        var total = wholeValue * unit.factor
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
                let fractionValue = Int64(fraction)
            else { return nil }
            var scale: Int64 = 1
            for _ in 0..<fraction.count { scale *= 10 }
            let scaled = fractionValue * unit.factor
            // Sub-millisecond precision has no meaning for Envoy, so it is rejected rather than rounded.
            guard scaled % scale == 0 else { return nil }
            total += scaled / scale
        }
        self.milliseconds = total
    }

    /// The largest unit that represents the value exactly; "0s" for zero.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription:
                    "invalid duration \(ValidationError.quote(text)): expected \(ConfigDuration.acceptedForms)"
            )
        }
        self = parsed
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
