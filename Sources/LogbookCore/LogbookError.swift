import EventLog
import Gateway

/// Why a Logbook operation failed, in the terms a user acts on. The HTTP API and the CLI map
/// each code to a status or exit line.
public struct LogbookError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case invalid, duplicate, notFound, inUse, conflict, preconditionFailed, idempotencyMismatch
            case badInput, corrupt, unavailable, storage
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A value breaks a rule (a bad name, an out-of-range duration).
        public static let invalid = Code(.invalid)
        public static let duplicate = Code(.duplicate)
        public static let notFound = Code(.notFound)
        /// The resource is still referenced (a service a route uses).
        public static let inUse = Code(.inUse)
        /// Two resources collide (a port).
        public static let conflict = Code(.conflict)
        /// The configuration moved past the version the caller expected.
        public static let preconditionFailed = Code(.preconditionFailed)
        /// An idempotency key came back with a different request.
        public static let idempotencyMismatch = Code(.idempotencyMismatch)
        /// The input cannot be read at all: a missing file, bad YAML, an unknown field.
        public static let badInput = Code(.badInput)
        /// The log failed its checksums or chain.
        public static let corrupt = Code(.corrupt)
        /// A write could not be ordered after an earlier one that failed: retry.
        public static let unavailable = Code(.unavailable)
        public static let storage = Code(.storage)

        public var description: String {
            switch value {
            case .notFound: "not_found"
            case .inUse: "in_use"
            case .preconditionFailed: "precondition_failed"
            case .idempotencyMismatch: "idempotency_mismatch"
            case .badInput: "bad_input"
            default: value.rawValue
            }
        }
    }

    public let code: Code
    /// Where the problem is, when it is one field (`routes[api].match.regex`).
    public let field: String?
    public let message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }

    init(_ error: ValidationError) {
        let code: Code =
            switch error.code {
            case .duplicate: .duplicate
            case .notFound: .notFound
            case .inUse: .inUse
            case .conflict: .conflict
            default: .invalid
            }
        self.init(code, field: error.field, error.message)
    }

    init(_ error: EventLogError) {
        let code: Code =
            switch error.code {
            case .corrupt: .corrupt
            case .idempotencyMismatch: .idempotencyMismatch
            case .conflict: .unavailable
            case .invalidEvent: .badInput
            case .notEmpty: .conflict
            default: .storage
            }
        self.init(code, error.message)
    }
}
