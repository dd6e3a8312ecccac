import Foundation

/// A batch of events written atomically, with the checks that guard it.
public struct AppendRequest: Sendable {
    public var events: [NewEvent]
    public var actor: String
    public var requestID: String
    /// When set, the append fails with `.conflict` unless the log head equals it.
    public var expectedHead: UInt64?
    /// When set, a retry with the same key returns the first answer and writes nothing.
    public var idempotencyKey: String?
    /// A fingerprint of the request, so a key reused for a different request is refused.
    public var requestDigest: [UInt8]

    public init(
        events: [NewEvent], actor: String, requestID: String, expectedHead: UInt64? = nil,
        idempotencyKey: String? = nil, requestDigest: [UInt8] = []
    ) {
        self.events = events
        self.actor = actor
        self.requestID = requestID
        self.expectedHead = expectedHead
        self.idempotencyKey = idempotencyKey
        self.requestDigest = requestDigest
    }
}
