import Foundation

/// What an append wrote: durable by the time the caller sees it.
public struct AppendResult: Sendable, Equatable {
    /// The sequence numbers written, or nil when the request held no events.
    public var sequences: ClosedRange<UInt64>?
    /// The head of the log right after this request's events.
    public var head: UInt64
    public var recordedAt: Int64
    /// True when an idempotency key matched an earlier request: nothing new was written.
    public var replayed: Bool

    public init(sequences: ClosedRange<UInt64>?, head: UInt64, recordedAt: Int64, replayed: Bool) {
        self.sequences = sequences
        self.head = head
        self.recordedAt = recordedAt
        self.replayed = replayed
    }
}
