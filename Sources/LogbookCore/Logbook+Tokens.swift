import Crypto
import EventLog
import Foundation
import Gateway

/// A token just issued: its secret, shown once to the issuer and stored nowhere.
public struct IssuedToken: Sendable {
    public let secret: String
    public let grant: TokenGrant
    public let sequence: UInt64
}

/// Bearer token secrets: `lbk_` and 32 random bytes (256 bits) in base64url; the log keeps the
/// SHA-256 of the whole string only.
public enum TokenSecret {
    public static let prefix = "lbk_"

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// Lowercase hex SHA-256 of the secret's UTF-8 bytes.
    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// True when `text` has the shape `generate` makes (so anything else is `malformed`).
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let body = text.utf8.dropFirst(prefix.utf8.count)
        return body.count == 43
            && body.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D
                    || $0 == 0x5F
            }
    }

    /// Equality whose time depends only on the lengths, not on where the bytes differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

extension Logbook {
    /// Every token issued through the durable head.
    public nonisolated var tokens: TokenRegistry { durableTokens.withLock { $0 } }

    /// Milliseconds since the epoch, for expiry checks (read here, never in the fold).
    public static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Issues a token named `name` and answers its secret; the log records only its hash, with
    /// `context.actor` as the issuer. `expiresIn` in milliseconds; nil for never.
    public func issueToken(
        name: String, role: Role, expiresIn: Int64?, context: RequestContext, now: Int64 = Logbook.nowMilliseconds()
    ) async throws -> IssuedToken {
        let secret = TokenSecret.generate()
        let (expiresAt, overflow) = expiresIn.map { now.addingReportingOverflow($0) } ?? (0, false)
        if overflow {
            throw LogbookError(
                ValidationError(code: .invalid, field: "expires_in", message: "is too far in the future"))
        }
        let grant = TokenGrant(
            name: name, role: role, expiresAt: expiresIn == nil ? nil : expiresAt, issuer: context.actor,
            secretSHA256: TokenSecret.hash(secret))
        let event: GatewayEvent
        do {
            event = try TokenDecider.issue(grant, registry: pendingTokens, now: now)
        } catch {
            throw LogbookError(error)
        }
        let result = try await append([event], context: context)
        return IssuedToken(secret: secret, grant: grant, sequence: result.events.first?.sequence ?? result.head)
    }

    /// Revokes the token `name`: from the next request on it is refused as `revoked`.
    public func revokeToken(name: String, context: RequestContext) async throws -> CommandResult {
        let event: GatewayEvent
        do {
            event = try TokenDecider.revoke(name, registry: pendingTokens)
        } catch {
            throw LogbookError(error)
        }
        return try await append([event], context: context)
    }

    /// The token events folded from the by-entity index: the log's tokens at open.
    static func foldTokens(store: any EventStore) throws -> TokenRegistry {
        var registry = TokenRegistry()
        var query = EventQuery()
        query.entity = GatewayEvent.tokensEntity
        query.limit = 1000
        repeat {
            let page = try store.envelopes(query)
            for envelope in page.envelopes {
                registry.apply(try EventCoding.event(of: envelope), seq: envelope.sequence)
            }
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return registry
    }
}

/// Authenticates `lbk_` bearer tokens against the log's registry: the hash of the credential
/// is compared in constant time with every token's, then revocation and expiry are checked.
public struct TokenAuthenticator: BearerAuthenticator {
    let registry: @Sendable () -> TokenRegistry

    public init(logbook: Logbook) {
        registry = { logbook.tokens }
    }

    public func authenticate(_ credential: String, now: Int64) -> Result<Principal, CredentialRefusal>? {
        guard credential.hasPrefix(TokenSecret.prefix) else { return nil }
        guard TokenSecret.isWellFormed(credential) else { return .failure(.malformed) }
        let hash = TokenSecret.hash(credential)
        var found: TokenRegistry.Entry?
        // Every entry is compared, so the time taken does not say which one matched.
        for entry in registry().entries.values where TokenSecret.constantTimeEqual(entry.grant.secretSHA256, hash) {
            found = entry
        }
        guard let found else { return .failure(.unknown) }
        if found.revoked { return .failure(.revoked) }
        if let expiresAt = found.grant.expiresAt, expiresAt <= now { return .failure(.expired) }
        return .success(Principal(source: .token, name: found.grant.name, role: found.grant.role))
    }
}

/// A token's lifetime as people write it: `90d`, `12h`, `30m` or `never`.
public enum TokenLifetime {
    /// Milliseconds; nil for `never`. `field` names the input in the error.
    public static func parse(_ text: String, field: String) throws -> Int64? {
        if text == "never" { return nil }
        let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int64(text.dropLast()),
            count > 0, count <= 36_500 * 86_400_000 / unit, text.dropLast().allSatisfy(\.isASCII)
        else {
            throw LogbookError(
                .invalid, field: field,
                "\(ValidationError.quote(text)) is not a lifetime: use a positive number of days, hours or minutes (90d, 12h, 30m, at most 100 years) or never"
            )
        }
        return count * unit
    }
}
