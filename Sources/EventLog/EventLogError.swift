/// Errors of the event log, each with a code callers can match and a message for humans.
public struct EventLogError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case conflict, idempotencyMismatch, corrupt, invalidEvent, storage, closed, notEmpty, locked, readOnly
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The log moved past the expected head.
        public static let conflict = Code(.conflict)
        /// An idempotency key was reused for a different request.
        public static let idempotencyMismatch = Code(.idempotencyMismatch)
        /// Stored bytes fail their checksum, chain or format.
        public static let corrupt = Code(.corrupt)
        /// An event cannot be stored as given (a field too long, a bad import line).
        public static let invalidEvent = Code(.invalidEvent)
        /// LMDB or the file system failed.
        public static let storage = Code(.storage)
        /// The log was closed.
        public static let closed = Code(.closed)
        /// An import or restore needs an empty log.
        public static let notEmpty = Code(.notEmpty)
        /// Another process holds the log for writing.
        public static let locked = Code(.locked)
        /// The log was opened read-only.
        public static let readOnly = Code(.readOnly)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    /// The sequence number concerned, when there is one (the first corrupt event, say).
    public let sequence: UInt64?
    /// The log head when the error was raised, for conflicts.
    public let head: UInt64?

    public init(_ code: Code, _ message: String, sequence: UInt64? = nil, head: UInt64? = nil) {
        self.code = code
        self.message = message
        self.sequence = sequence
        self.head = head
    }

    public var description: String { message }
}
