import Broadcasting
import EventLog
import Foundation
import Gateway
import Logging
import Synchronization

/// An event as appended, with its sequence number.
public struct AppliedEvent: Sendable, Equatable {
    public let sequence: UInt64
    public let event: GatewayEvent
}
/// The answer to a command: durable by the time the caller sees it.
public struct CommandResult: Sendable {
    /// The events appended (empty when the command changed nothing).
    public var events: [AppliedEvent]
    /// The configuration version after the command.
    public var version: UInt64
    public var head: UInt64
    /// True when an idempotency key matched an earlier request.
    public var replayed: Bool
}
