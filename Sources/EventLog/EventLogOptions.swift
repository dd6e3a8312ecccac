import Foundation
import LMDB
import Synchronization

/// How a log is opened.
public struct EventLogOptions: Sendable {
    /// At open, this many events at the tail are checked against their hashes and chain.
    public var tailCheckCount = 1024
    /// Refuse to open when the tail check fails; `verify --repair` opens with this off.
    public var refuseCorruptTail = true
    /// The most jobs one group commit takes.
    public var maxBatch = 4096
    public var initialMapSize = 1 << 30
    /// The wall clock, in milliseconds since 1970; tests pass their own.
    public var clock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
    /// Read-only: no writer lock, no writes, and a log on a read-only mount can still be read.
    /// Any number of read-only stores may be open beside the one writer.
    public var readOnly = false

    public init() {}
}
