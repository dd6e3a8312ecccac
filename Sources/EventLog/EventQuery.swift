import Foundation

/// A filtered read of the audit trail. Filters combine with AND.
public struct EventQuery: Sendable {
    /// Only events after this sequence number (forwards), or before it (backwards): the cursor.
    public var cursor: UInt64?
    public var descending = false
    /// Milliseconds since 1970, inclusive lower and exclusive upper bound.
    public var since: Int64?
    public var until: Int64?
    public var types: Set<String>?
    public var entity: String?
    public var actor: String?
    public var kinds: Set<EventKind>?
    public var limit = 100

    public init() {}
}
extension EventQuery {
    /// Whether `envelope` passes the cursor and every filter but the entity, which each store
    /// answers from its own index.
    func matches(_ envelope: Envelope) -> Bool {
        if let cursor {
            if descending ? envelope.sequence >= cursor : envelope.sequence <= cursor { return false }
        }
        if let since, envelope.recordedAt < since { return false }
        if let until, envelope.recordedAt >= until { return false }
        if let types, !types.contains(envelope.type) { return false }
        if let actor, envelope.actor != actor { return false }
        if let kinds, !kinds.contains(envelope.kind) { return false }
        return true
    }
}
