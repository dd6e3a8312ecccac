/// Who made a request, as proven by a credential: a token Logbook issued, or a JWT from the
/// operator's identity provider. Its `actor` is what the log records as the envelope's actor.
public struct Principal: Hashable, Sendable {
    public enum Source: String, Hashable, Sendable {
        /// A bearer token from `logbook tokens issue` (a `TokenIssued` event).
        case token
        /// A JWT verified against the configured JWKS, issuer and audience.
        case jwt
    }

    public var source: Source
    /// The token's name, or the JWT's subject (its email when it carries one).
    public var name: String
    public var role: Role

    public init(source: Source, name: String, role: Role) {
        self.source = source
        self.name = name
        self.role = role
    }

    /// `token:ci-deployer`, `jwt:alice@example.com`.
    public var actor: String { "\(source.rawValue):\(name)" }
}

/// Why a bearer credential was refused. Each case is a reason an operator can act on, and the
/// label `/metrics` counts failures by; none of them repeats the credential.
public enum CredentialRefusal: String, Error, Hashable, Sendable {
    case malformed
    case unknown
    case revoked
    case expired
    case notYetValid = "not_yet_valid"
    case wrongIssuer = "wrong_issuer"
    case wrongAudience = "wrong_audience"
    case badSignature = "bad_signature"
    case unsupportedAlgorithm = "unsupported_algorithm"
    case missingRole = "missing_role"
}

/// One kind of bearer credential. The HTTP layer asks each configured authenticator in turn;
/// the first that claims the credential decides.
public protocol BearerAuthenticator: Sendable {
    /// nil when the credential is not of this authenticator's kind (a JWT handed to the token
    /// authenticator, say); otherwise the principal or the refusal. `now` is milliseconds since
    /// the epoch, read by the caller, so the check itself stays deterministic.
    func authenticate(_ credential: String, now: Int64) -> Result<Principal, CredentialRefusal>?
}
