/// Why a command was refused; `code` says how an API should answer, `field` where the problem is.
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalid, duplicate, notFound, inUse, conflict
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A bad value (HTTP 400/422).
        public static let invalid = Code(.invalid)
        /// A name or key that already exists (HTTP 409).
        public static let duplicate = Code(.duplicate)
        /// The resource to change does not exist (HTTP 404).
        public static let notFound = Code(.notFound)
        /// The resource is still referenced by another (HTTP 409).
        public static let inUse = Code(.inUse)
        /// Two resources collide, e.g. on a port (HTTP 409).
        public static let conflict = Code(.conflict)

        public var description: String {
            switch base {
            case .invalid: "invalid"
            case .duplicate: "duplicate"
            case .notFound: "not_found"
            case .inUse: "in_use"
            case .conflict: "conflict"
            }
        }
    }

    public var code: Code
    public var field: String
    public var message: String

    public init(code: Code, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }

    static func invalid(_ field: String, _ message: String) -> ValidationError {
        ValidationError(code: .invalid, field: field, message: message)
    }
}

extension ValidationError {
    /// How many Unicode scalars of user input a message shows.
    static let quotedScalars = 64

    /// User input as a message shows it: in single quotes, with control and invisible characters
    /// escaped (`\u{0A}`), and cut after 64 scalars with its size in bytes ('abc…' (1048576 bytes)),
    /// so a message stays a few hundred bytes whatever it quotes. Every message quotes input through it.
    public static func quote(_ text: String) -> String {
        let (shown, cut) = escaped(text)
        return cut ? "'\(shown)…' (\(text.utf8.count) bytes)" : "'\(shown)'"
    }

    /// `quote` without the quotes, for input inside a field path or an entity (`services[name]`).
    public static func bare(_ text: String) -> String {
        let (shown, cut) = escaped(text)
        return cut ? "\(shown)…(\(text.utf8.count) bytes)" : shown
    }

    /// The first `quotedScalars` scalars with the invisible ones escaped, and whether any were left out.
    private static func escaped(_ text: String) -> (String, Bool) {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == quotedScalars { return (result, true) }
            count += 1
            if isInvisible(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return (result, false)
    }

    /// Control characters (C0, DEL, C1), line and paragraph separators, bidirectional and
    /// zero-width marks: what could break a line or hide text where a message is shown.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
