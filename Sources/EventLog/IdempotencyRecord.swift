import Foundation

/// What an idempotency key answered the first time.
public struct IdempotencyRecord: Sendable, Equatable {
    public var sequences: ClosedRange<UInt64>?
    public var head: UInt64
    public var recordedAt: Int64
    public var requestDigest: [UInt8]

    public init(sequences: ClosedRange<UInt64>?, head: UInt64, recordedAt: Int64, requestDigest: [UInt8]) {
        self.sequences = sequences
        self.head = head
        self.recordedAt = recordedAt
        self.requestDigest = requestDigest
    }
}
