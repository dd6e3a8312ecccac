import EventLog
import Foundation
import Gateway
import Hummingbird
import LogbookCore

/// The time-and-audit endpoints: `GET /events`, `/events/{seq}`, `/versions`, `/state`, `/diff`.
struct AuditController {
    let logbook: Logbook

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.get("events", use: events)
        routes.get("events/:seq", use: event)
        routes.get("versions", use: versions)
        routes.get("state", use: state)
        routes.get("diff", use: diff)
        return routes
    }

    /// One event as JSON (`RecordedEvent.json()`). `/events/{seq}` also answers the previous hash
    /// as `previous_hash`, its name before every view shared `EnvelopeRecord`'s `prev_hash`.
    static func json(_ recorded: RecordedEvent, withPreviousHash: Bool = false) -> Data {
        let json = recorded.json()
        guard withPreviousHash else { return json }
        // The alias goes after `event`: readers look keys up, and the shared part stays sorted.
        return CanonicalJSON.object(
            json, adding: "previous_hash", raw: JSONAnswer.encode(Hex.encode(recorded.envelope.previousHash)))
    }

    /// Filters combine with AND; `after_seq` (or `cursor`, its alias) continues from a `next_cursor`.
    @Sendable func events(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        var filter = EventQuery()
        filter.since = try query.time("since")
        filter.until = try query.time("until")
        filter.types = query.string("type").map { [$0] }
        filter.entity = query.string("entity")
        filter.actor = query.string("actor")
        filter.cursor = try query.sequence("after_seq") ?? query.sequence("cursor")
        filter.limit = try query.limit() ?? 100
        let page = try logbook.events(filter)
        var body = JSONAnswer.encode(NextCursor(nextCursor: page.nextCursor))
        body.removeLast()
        body.append(contentsOf: Array(",\"events\":".utf8))
        body.append(JSONAnswer.array(page.events.map { Self.json($0) }))
        body.append(UInt8(ascii: "}"))
        return JSONAnswer.response(.ok, json: body)
    }

    struct NextCursor: Encodable {
        let nextCursor: UInt64?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: NamedKey.self)
            try container.encode(nextCursor, forKey: NamedKey("next_cursor"))
        }
    }

    @Sendable func event(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let text = try context.pathParameter("seq")
        let sequence = try ClientSequence.parse(text, field: "seq")
        guard let envelope = try logbook.store.envelope(at: sequence) else {
            throw APIError(
                .notFound, code: "not_found", field: "seq",
                "event \(sequence) does not exist; the log ends at \(logbook.store.head)")
        }
        return JSONAnswer.response(.ok, json: Self.json(try RecordedEvent(envelope), withPreviousHash: true))
    }

    struct VersionItem: Encodable {
        let version: UInt64
        let recordedAt: String
        let actor: String
        let requestID: String
        let type: String
        let summary: String

        enum CodingKeys: String, CodingKey {
            case version, actor, type, summary
            case recordedAt = "recorded_at"
            case requestID = "request_id"
        }
    }

    struct VersionPage: Encodable {
        let versions: [VersionItem]
        let nextCursor: UInt64?

        enum CodingKeys: String, CodingKey {
            case versions
            case nextCursor = "next_cursor"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(versions, forKey: .versions)
            try container.encode(nextCursor, forKey: .nextCursor)
        }
    }

    /// Every configuration version, oldest first; `?cursor=` and `?limit=` page through them.
    @Sendable func versions(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        let page = try logbook.versions(after: try query.sequence("cursor"), limit: try query.limit() ?? 1000)
        let items = page.versions.map {
            VersionItem(
                version: $0.version, recordedAt: Timestamp.iso8601(milliseconds: $0.recordedAt), actor: $0.actor,
                requestID: $0.requestID, type: $0.type, summary: $0.summary)
        }
        return JSONAnswer.response(.ok, VersionPage(versions: items, nextCursor: page.nextCursor))
    }

    /// The state now, right after event `version`, or in force at time `at`.
    @Sendable func state(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        let version = try query.sequence("version")
        let time = try query.time("at")
        let state: GatewayState
        switch (version, time) {
        case (.some, .some):
            throw APIError.badRequest(field: "at", "give version or at, not both")
        case (let version?, nil):
            state = try logbook.state(atVersion: version)
        case (nil, let time?):
            state = try logbook.state(atTime: time)
        case (nil, nil):
            state = logbook.state
        }
        return JSONAnswer.response(.ok, json: state.jsonData(), headers: [.eTag: Mutation.etag(state.version)])
    }

    /// Resource by resource: added, removed, and changed fields between two versions.
    @Sendable func diff(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        guard let from = try query.sequence("from") else { throw APIError.badRequest(field: "from", "is required") }
        guard let to = try query.sequence("to") else { throw APIError.badRequest(field: "to", "is required") }
        let old: GatewayState
        let new: GatewayState
        do {
            old = try logbook.state(atVersion: from)
        } catch let error as LogbookError where error.code == .notFound {
            throw APIError(.notFound, code: "not_found", field: "from", error.message)
        }
        do {
            new = try logbook.state(atVersion: to)
        } catch let error as LogbookError where error.code == .notFound {
            throw APIError(.notFound, code: "not_found", field: "to", error.message)
        }
        return JSONAnswer.response(.ok, StateDiff(old: old, new: new))
    }
}
