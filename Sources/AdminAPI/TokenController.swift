import Foundation
import Gateway
import Hummingbird
import LogbookCore

/// `/tokens`: issue (the one answer that carries a secret), list (never a hash) and revoke.
struct TokenController {
    let logbook: Logbook
    let metrics: APIMetrics

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.get(use: list)
        routes.post(use: issue)
        routes.delete(":name", use: revoke)
        return routes
    }

    struct IssueRequest: Decodable {
        let name: String
        let role: Role
        /// `90d`, `12h`, `30m` or `never` (also when absent).
        let expiresIn: String?

        enum CodingKeys: String, CodingKey {
            case name, role
            case expiresIn = "expires_in"
        }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            let roleName = try container.decode(String.self, forKey: .role)
            guard let role = Role(rawValue: roleName) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .role, in: container, debugDescription: "must be viewer, operator or admin")
            }
            self.role = role
            expiresIn = try container.decodeIfPresent(String.self, forKey: .expiresIn)
        }
    }

    /// One token as listed: what it is, never its hash.
    struct Item: Encodable {
        let name: String
        let role: String
        let expiresAt: String?
        let issuer: String
        let state: String
        let issuedAtEvent: UInt64

        init(_ entry: TokenRegistry.Entry, now: Int64) {
            name = entry.grant.name
            role = entry.grant.role.rawValue
            expiresAt = entry.grant.expiresAt.map(TokenController.timestamp)
            issuer = entry.grant.issuer
            state = entry.state(now: now)
            issuedAtEvent = entry.issuedSequence
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(role, forKey: .role)
            try container.encode(expiresAt, forKey: .expiresAt)
            try container.encode(issuer, forKey: .issuer)
            try container.encode(state, forKey: .state)
            try container.encode(issuedAtEvent, forKey: .issuedAtEvent)
        }

        enum CodingKeys: String, CodingKey {
            case name, role, issuer, state
            case expiresAt = "expires_at"
            case issuedAtEvent = "issued_at_event"
        }
    }

    struct Issued: Encodable {
        let token: String
        let item: Item

        func encode(to encoder: any Encoder) throws {
            try item.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(token, forKey: .token)
        }

        enum CodingKeys: String, CodingKey { case token }
    }

    struct Revoked: Encodable {
        let revoked: String
        let head: UInt64
    }

    struct List: Encodable {
        let tokens: [Item]
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let now = Logbook.nowMilliseconds()
        return JSONAnswer.response(.ok, List(tokens: logbook.tokens.sorted.map { Item($0, now: now) }))
    }

    /// 201 with the secret as `token`: the only answer that ever carries it.
    @Sendable func issue(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await RequestBody.read(request, context: context)
        let issue = try body.decode(IssueRequest.self)
        let lifetime = try issue.expiresIn.map { try TokenLifetime.parse($0, field: "expires_in") } ?? nil
        let issued = try await logbook.issueToken(
            name: issue.name, role: issue.role, expiresIn: lifetime,
            context: context.logbookContext)
        let entry = TokenRegistry.Entry(grant: issued.grant, issuedSequence: issued.sequence, revoked: false)
        return JSONAnswer.response(
            .created, Issued(token: issued.secret, item: Item(entry, now: Logbook.nowMilliseconds())),
            headers: [.cacheControl: "no-store"])
    }

    @Sendable func revoke(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let result = try await logbook.revokeToken(
            name: name, context: context.logbookContext)
        return JSONAnswer.response(.ok, Revoked(revoked: name, head: result.head))
    }
}
