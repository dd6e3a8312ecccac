import CLMDB

/// Flags passed to `mdb_env_open`.
public struct EnvironmentFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Read transactions are not tied to threads: required when Swift tasks hop threads.
    public static let noTLS = EnvironmentFlags(rawValue: UInt32(MDB_NOTLS))
    public static let noSubdir = EnvironmentFlags(rawValue: UInt32(MDB_NOSUBDIR))
    public static let noSync = EnvironmentFlags(rawValue: UInt32(MDB_NOSYNC))
    public static let noMetaSync = EnvironmentFlags(rawValue: UInt32(MDB_NOMETASYNC))
    public static let noReadahead = EnvironmentFlags(rawValue: UInt32(MDB_NORDAHEAD))
    public static let readOnly = EnvironmentFlags(rawValue: UInt32(MDB_RDONLY))
}

/// How an environment is opened.
public struct EnvironmentOptions: Sendable {
    /// Initial map size in bytes; the map grows on MDB_MAP_FULL.
    public var mapSize: Int = 64 << 20
    public var maxDatabases: UInt32 = 16
    public var maxReaders: UInt32 = 256
    public var flags: EnvironmentFlags = [.noTLS, .noReadahead]
    /// File mode for newly created files.
    public var mode: UInt32 = 0o644

    public init() {}
}

/// Flags passed to `mdb_dbi_open`.
public struct DatabaseFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let create = DatabaseFlags(rawValue: UInt32(MDB_CREATE))
    public static let integerKey = DatabaseFlags(rawValue: UInt32(MDB_INTEGERKEY))
}

/// Flags passed to `mdb_put`.
public struct PutFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The key sorts after every existing key: a fast path for append-only tables.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
}

/// A named database inside an environment. Handles stay valid for the environment's life.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    public let name: String
}
