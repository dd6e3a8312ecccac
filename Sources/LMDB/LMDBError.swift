import CLMDB

/// Every failure of the C library, with LMDB's own code and message.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A Hashable struct over LMDB's integer codes, so callers can match the ones they handle.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        public static let mapFull = Code(rawValue: MDB_MAP_FULL)
        public static let mapResized = Code(rawValue: MDB_MAP_RESIZED)
        public static let keyExist = Code(rawValue: MDB_KEYEXIST)
        public static let readersFull = Code(rawValue: MDB_READERS_FULL)
        public static let dbsFull = Code(rawValue: MDB_DBS_FULL)
        public static let corrupted = Code(rawValue: MDB_CORRUPTED)
        public static let invalid = Code(rawValue: MDB_INVALID)
        public static let versionMismatch = Code(rawValue: MDB_VERSION_MISMATCH)

        public var description: String { String(cString: mdb_strerror(rawValue)) }
    }

    public let code: Code
    /// The LMDB call that failed, so a message says where.
    public let operation: String

    public var message: String { code.description }
    public var description: String { "\(operation): \(message) (\(code.rawValue))" }

    public init(code: Code, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The one place C return codes become Swift errors.
    @inline(__always)
    static func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
        if rc != MDB_SUCCESS { throw LMDBError(code: Code(rawValue: rc), operation: operation()) }
    }
}
