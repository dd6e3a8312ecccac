import Foundation

/// One page of a query; `nextCursor` continues it, nil when it is exhausted.
public struct EventPage: Sendable {
    public var envelopes: [Envelope]
    public var nextCursor: UInt64?

    public init(envelopes: [Envelope], nextCursor: UInt64?) {
        self.envelopes = envelopes
        self.nextCursor = nextCursor
    }
}
