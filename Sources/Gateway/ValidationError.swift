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
