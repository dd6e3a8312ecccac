import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import LogbookCore
import NIOCore
import Synchronization

/// `Authorization: Bearer <token>` on every request but the probes, while authentication is
/// on: the authenticators are asked in order (the first that claims the credential decides),
/// the principal's role is checked against `OperationRoles`, and the principal becomes the
/// request's actor. A refusal is a 401 (403 for a role too low, 429 for an address that keeps
/// failing) and never appends anything or repeats the credential.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    let authenticators: [any BearerAuthenticator]
    /// Read per request: issuing the first token turns authentication on without a restart.
    let isRequired: @Sendable () -> Bool
    let limiter: FailureLimiter
    let metrics: APIMetrics

    /// Longer than any credential we issue or verify; a bigger header is refused unread.
    static let maxCredentialBytes = 8192

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard !OperationRoles.open.contains("\(request.method.rawValue) \(path)"), isRequired() else {
            return try await next(request, context)
        }
        let address = Self.clientAddress(context)
        let now = Logbook.nowMilliseconds()
        if let retryAfter = limiter.retryAfter(address: address, now: now) {
            var response = APIError(
                .tooManyRequests, code: "too_many_requests", field: "Authorization",
                "too many failed authentications from this address; retry in \(retryAfter) s"
            ).response()
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        let principal: Principal
        switch authenticate(request.headers, now: now) {
        case .success(let proven):
            principal = proven
        case .failure(let refusal):
            limiter.recordFailure(address: address, now: now)
            metrics.recordAuthFailure(reason: refusal.reason.rawValue)
            context.logger.warning(
                "authentication failed",
                metadata: ["auth.reason": "\(refusal.reason.rawValue)", "client.address": "\(address)"])
            var response = APIError(.unauthorized, code: "unauthorized", field: "Authorization", refusal.message)
                .response()
            response.headers[.wwwAuthenticate] =
                refusal.credentialGiven ? #"Bearer realm="logbook", error="invalid_token""# : #"Bearer realm="logbook""#
            return response
        }
        let required = OperationRoles.role(method: request.method.rawValue, path: path)
        guard principal.role.allows(required) else {
            throw APIError(
                .forbidden, code: "forbidden", field: "Authorization",
                "\(request.method.rawValue) \(EchoedText(path)) needs the \(required.rawValue) role; \(principal.actor) has \(principal.role.rawValue)"
            )
        }
        var context = context
        if context.actor != "anonymous" || request.headers[.actor] != nil { context.claimedActor = context.actor }
        context.actor = principal.actor
        context.principal = principal
        context.clientAddress = address
        var response = try await next(request, context)
        response.headers[.actor] = principal.actor
        return response
    }

    struct Refusal: Error {
        let reason: CredentialRefusal
        let message: String
        let credentialGiven: Bool
    }

    /// The principal, or why not; never throws, whatever the headers hold.
    func authenticate(_ headers: HTTPFields, now: Int64) -> Result<Principal, Refusal> {
        let fields = headers.filter { $0.name == .authorization }
        guard let field = fields.first else {
            return .failure(
                Refusal(
                    reason: .malformed, message: "a bearer token is required (Authorization: Bearer <token>)",
                    credentialGiven: false))
        }
        guard fields.count == 1 else {
            return .failure(
                Refusal(reason: .malformed, message: "more than one Authorization header", credentialGiven: true))
        }
        let text = field.withUnsafeBytesOfValue { bytes -> String? in
            bytes.count <= Self.maxCredentialBytes ? String(validating: bytes, as: UTF8.self) : nil
        }
        guard let text else {
            return .failure(
                Refusal(
                    reason: .malformed, message: "the Authorization header is too long or not UTF-8",
                    credentialGiven: true))
        }
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .failure(
                Refusal(
                    reason: .malformed, message: "the Authorization header must be 'Bearer <token>'",
                    credentialGiven: !text.isEmpty))
        }
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        for authenticator in authenticators {
            guard let result = authenticator.authenticate(credential, now: now) else { continue }
            return result.mapError { Refusal(reason: $0, message: Self.describe($0), credentialGiven: true) }
        }
        return .failure(Refusal(reason: .unknown, message: Self.describe(.unknown), credentialGiven: true))
    }

    static func describe(_ refusal: CredentialRefusal) -> String {
        switch refusal {
        case .malformed: "the bearer token is malformed"
        case .unknown: "the bearer token is not known"
        case .revoked: "the bearer token was revoked"
        case .expired: "the bearer token has expired"
        case .notYetValid: "the bearer token is not valid yet"
        case .wrongIssuer: "the bearer token has the wrong issuer"
        case .wrongAudience: "the bearer token has the wrong audience"
        case .badSignature: "the bearer token's signature does not verify"
        case .unsupportedAlgorithm: "the bearer token uses an unsupported algorithm"
        case .missingRole: "the bearer token grants no Logbook role"
        }
    }

    /// The peer's IP address (no port, so one client's connections share a budget).
    static func clientAddress(_ context: Context) -> String {
        context.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Failed authentications per client address over the last minute; past the limit an
/// address is answered 429 until its oldest failure leaves the window.
final class FailureLimiter: Sendable {
    let limit: Int
    static let window: Int64 = 60_000
    /// At most this many addresses are tracked: the oldest entries go first.
    static let maxAddresses = 10_000
    private let failures = Mutex<[String: [Int64]]>([:])

    init(limit: Int) { self.limit = limit }

    /// Seconds to wait, or nil when the address may try.
    func retryAfter(address: String, now: Int64) -> Int? {
        failures.withLock { table in
            guard var times = table[address] else { return nil }
            times.removeAll { $0 <= now - Self.window }
            table[address] = times.isEmpty ? nil : times
            guard times.count >= limit, let oldest = times.first else { return nil }
            return Int(max(1, (oldest + Self.window - now + 999) / 1000))
        }
    }

    func recordFailure(address: String, now: Int64) {
        failures.withLock { table in
            if table[address] == nil, table.count >= Self.maxAddresses {
                // Drop the addresses whose newest failure is oldest.
                let stale = table.sorted { ($0.value.last ?? 0) < ($1.value.last ?? 0) }.prefix(table.count / 10 + 1)
                for (key, _) in stale { table.removeValue(forKey: key) }
            }
            var times = table[address, default: []]
            times.removeAll { $0 <= now - Self.window }
            times.append(now)
            if times.count > limit { times.removeFirst(times.count - limit) }
            table[address] = times
        }
    }
}
