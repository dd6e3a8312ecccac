import Foundation

/// A point in time as users write it: ISO 8601 (`2026-11-27T14:02:00Z`, with or without
/// fractional seconds, or a plain date) or an age relative to now (`90s`, `15m`, `1h`, `7d`).
public enum TimeExpression {
    /// Milliseconds since 1970; `now` is passed in so callers and tests control the clock.
    public static func parse(_ text: String, now: Date = Date()) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let age = relativeSeconds(trimmed) {
            let milliseconds = ((now.timeIntervalSince1970 - age) * 1000).rounded(.down)
            // An age beyond any representable time (say 10^20 days) is bad input, not a crash.
            guard milliseconds.isFinite, milliseconds > Double(Int64.min), milliseconds < Double(Int64.max) else {
                throw LogbookError(.badInput, field: "time", "'\(text)' is too far in the past")
            }
            return Int64(milliseconds)
        }
        for style in [
            Date.ISO8601FormatStyle(includingFractionalSeconds: true),
            Date.ISO8601FormatStyle(),
        ] {
            if let date = try? style.parse(trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
        }
        if let date = try? Date.ISO8601FormatStyle().year().month().day().parse(trimmed) {
            return Int64(date.timeIntervalSince1970 * 1000)
        }
        throw LogbookError(
            .badInput, field: "time",
            "'\(text)' is not a time: use ISO 8601 (2026-11-27T14:02:00Z) or an age such as 90s, 15m, 1h, 7d")
    }

    private static func relativeSeconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Double(number), value >= 0, !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." })
            {
                return value * scale
            }
        }
        return nil
    }
}
