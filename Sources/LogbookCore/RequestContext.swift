import Broadcasting
import EventLog
import Foundation
import Gateway
import Logging
import Synchronization

/// Who asks for a change, and the guards on it.
public struct RequestContext: Sendable {
    public var actor: String
    public var requestID: String
    /// A retry with the same key gets the first answer and appends nothing.
    public var idempotencyKey: String?
    /// Refuse the change unless the configuration version still equals this (If-Match).
    public var expectedVersion: UInt64?
    /// A fingerprint of the request body, so a reused idempotency key with another body is refused.
    public var requestDigest: [UInt8]
    /// By-entity keys about the request rather than the event, added to each event it appends:
    /// with authentication on, the `X-Actor` a client claimed and its address, so they are
    /// kept (and searchable) without ever being taken for the actor.
    public var requestEntities: [String] = []

    public init(
        actor: String = "anonymous", requestID: String = UUID().uuidString.lowercased(),
        idempotencyKey: String? = nil, expectedVersion: UInt64? = nil, requestDigest: [UInt8] = []
    ) {
        self.actor = actor
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
        self.expectedVersion = expectedVersion
        self.requestDigest = requestDigest
    }
}
