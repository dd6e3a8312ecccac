import Foundation

/// Who made a change, as the envelope stores it: 1 to 200 characters, none of them a control
/// character, so an audit line cannot be forged or hidden by what an actor name holds.
public enum ActorName {
    public static let maxLength = 200

    /// U+FFFD is refused too: it is what invalid UTF-8 in a header becomes on the way in, and two
    /// different invalid names must not become the same actor.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= maxLength
            && !name.unicodeScalars.contains { TextSafety.isControl($0) || $0 == "\u{FFFD}" }
    }

    /// `name`, trimmed, or a `LogbookError` naming `field`.
    public static func check(_ name: String, field: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard isValid(trimmed) else {
            throw LogbookError(
                .badInput, field: field,
                "must be 1-\(maxLength) printable characters of valid UTF-8 (no control characters)")
        }
        return trimmed
    }
}

/// Text that reaches a terminal or a log line.
public enum TextSafety {
    /// C0 controls, DEL and C1 controls: they move cursors, start escape sequences or end lines.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with each control character written as `\u{XX}`, so one record prints as one line.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
