import Crypto
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import LogbookCore

/// What every mutation shares: reading the guards from the headers, and the answer.
enum Mutation {
    /// The Logbook request context: actor and request id from the middleware, `If-Match`,
    /// `Idempotency-Key`, and a digest of method, path and body so a reused key is recognised.
    static func context(
        _ request: Request, context: AdminRequestContext, body: RequestBody? = nil
    ) throws -> LogbookCore.RequestContext {
        var hash = SHA256()
        hash.update(data: Data("\(request.method.rawValue) \(request.uri.description)\n".utf8))
        if let body { hash.update(data: body.bytes) }
        var answer = LogbookCore.RequestContext(
            actor: context.actor, requestID: context.requestID,
            idempotencyKey: try idempotencyKey(request.headers[.idempotencyKey]),
            expectedVersion: try expectedVersion(request.headers[.ifMatch]),
            requestDigest: Array(hash.finalize()))
        answer.requestEntities = context.requestEntities
        return answer
    }

    /// `If-Match: 12`, `"12"` or `W/"12"`; `*` matches any version.
    static func expectedVersion(_ header: String?) throws -> UInt64? {
        guard var text = header?.trimmingCharacters(in: .whitespaces), text != "*" else { return nil }
        if text.hasPrefix("W/") { text.removeFirst(2) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
        guard let version = UInt64(text), version <= ClientSequence.maximum else {
            throw APIError.badRequest(field: "If-Match", "must be a configuration version, such as \"12\"")
        }
        return version
    }

    static func idempotencyKey(_ header: String?) throws -> String? {
        guard let header else { return nil }
        guard !header.isEmpty, header.count <= APILimits.maxHeaderValue else {
            throw APIError.badRequest(field: "Idempotency-Key", "must be 1-\(APILimits.maxHeaderValue) characters")
        }
        return header
    }

    /// The answer to a mutation: its events with their sequence numbers, the version and head.
    struct Answer: Encodable {
        struct Applied: Encodable {
            let seq: UInt64
            let type: String
            let summary: String
        }

        let events: [Applied]
        let version: UInt64
        let head: UInt64
        let replayed: Bool
        let changed: Bool
    }

    /// 201 when `created` and something was appended; 200 for every other success,
    /// including a command that changed nothing (it answers with the unchanged version).
    static func response(_ result: CommandResult, created: Bool = false) -> Response {
        let answer = Answer(
            events: result.events.map {
                Answer.Applied(seq: $0.sequence, type: $0.event.type, summary: $0.event.summary)
            },
            version: result.version, head: result.head, replayed: result.replayed, changed: !result.events.isEmpty)
        var headers = HTTPFields()
        headers[.eTag] = etag(result.version)
        if result.replayed { headers[.idempotentReplayed] = "true" }
        return JSONAnswer.response(created && !result.events.isEmpty ? .created : .ok, answer, headers: headers)
    }

    static func etag(_ version: UInt64) -> String { "\"\(version)\"" }
}
