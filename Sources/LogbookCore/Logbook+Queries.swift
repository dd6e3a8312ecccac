import EventLog
import Gateway

/// A configuration version: the event that made it, when and by whom.
public struct VersionInfo: Sendable, Equatable {
    public let version: UInt64
    public let recordedAt: Int64
    public let actor: String
    public let requestID: String
    public let type: String
    public let summary: String
}

extension Logbook {
    /// The audit trail, one page at a time, each envelope with its decoded event.
    public nonisolated func events(_ query: EventQuery) throws -> (events: [RecordedEvent], nextCursor: UInt64?) {
        let page: EventPage
        do {
            page = try store.envelopes(query)
        } catch let error as EventLogError {
            throw LogbookError(error)
        }
        return (try page.envelopes.map(RecordedEvent.init), page.nextCursor)
    }

    /// Configuration versions, oldest first: every event that changed the configuration.
    public nonisolated func versions(after cursor: UInt64? = nil, limit: Int = 1000) throws
        -> (versions: [VersionInfo], nextCursor: UInt64?)
    {
        var query = EventQuery()
        query.kinds = [.configuration]
        query.cursor = cursor
        query.limit = limit
        var found = [VersionInfo]()
        var next: UInt64? = cursor
        repeat {
            query.cursor = next
            let page = try store.envelopes(query)
            for envelope in page.envelopes {
                let event = try EventCoding.event(of: envelope)
                guard event.changesConfiguration else { continue }
                found.append(
                    VersionInfo(
                        version: envelope.sequence, recordedAt: envelope.recordedAt, actor: envelope.actor,
                        requestID: envelope.requestID, type: envelope.type, summary: event.summary))
                if found.count == limit { return (found, envelope.sequence) }
            }
            next = page.nextCursor
        } while next != nil
        return (found, nil)
    }

    /// The state after event `version`; a version past the head is an error, not the head.
    public nonisolated func state(atVersion version: UInt64) throws -> GatewayState {
        let head = store.head
        guard version <= head else {
            throw LogbookError(
                .notFound, field: "version", "version \(version) does not exist; the log ends at \(head)")
        }
        return try projection.state(at: version)
    }

    /// The state in force at `time` (ms since 1970).
    public nonisolated func state(atTime time: Int64) throws -> GatewayState {
        try projection.state(atTime: time)
    }
}
