import Foundation

/// The outcome of walking the chain.
public struct VerifyReport: Sendable, Equatable {
    /// Events whose checksum and chain link were checked and found good.
    public var checked: UInt64
    public var head: UInt64
    /// The first bad event, with what is wrong with it; nil when the whole log is good.
    public var firstBad: UInt64?
    public var problem: String?
    /// Filled by a repair: the sequence numbers dropped.
    public var dropped: ClosedRange<UInt64>?

    public init(
        checked: UInt64, head: UInt64, firstBad: UInt64? = nil, problem: String? = nil,
        dropped: ClosedRange<UInt64>? = nil
    ) {
        self.checked = checked
        self.head = head
        self.firstBad = firstBad
        self.problem = problem
        self.dropped = dropped
    }

    public var isValid: Bool { firstBad == nil }
}
