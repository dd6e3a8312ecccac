import Foundation

/// Where the identity provider's public keys come from. Only a local file for now: the server
/// re-reads it when it changes (`JWTAuthenticator.refresh()`).
public enum JWKSSource: Hashable, Sendable {
    case file(path: String)

    var path: String {
        switch self {
        case .file(let path): path
        }
    }
}

/// How JWTs from the operator's identity provider are verified: `--jwt-jwks`, `--jwt-issuer`,
/// `--jwt-audience` and `--jwt-role-claim`.
public struct JWTSettings: Hashable, Sendable {
    public static let defaultRoleClaim = "logbook_role"

    public var jwks: JWKSSource
    /// `iss` must equal this.
    public var issuer: String
    /// `aud` (a string or an array) must contain this.
    public var audience: String
    /// The claim whose string value (viewer, operator, admin) is the caller's role.
    public var roleClaim: String
    /// Tolerance for clocks that disagree, applied to `exp`, `nbf` and `iat`.
    public var clockSkew: Duration
    /// Longer credentials are refused before any decoding.
    public var maxTokenBytes: Int

    public init(
        jwks: JWKSSource, issuer: String, audience: String, roleClaim: String = JWTSettings.defaultRoleClaim,
        clockSkew: Duration = .seconds(60), maxTokenBytes: Int = 8 * 1024
    ) {
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.roleClaim = roleClaim
        self.clockSkew = clockSkew
        self.maxTokenBytes = maxTokenBytes
    }

    /// The settings the command-line flags describe, or nil when none of them is given. Reads the
    /// JWKS once so that a bad file fails at start, naming the flag.
    public static func load(
        jwksPath: String?, issuer: String?, audience: String?, roleClaim: String? = nil
    ) throws(JWTConfigurationError) -> JWTSettings? {
        guard let jwksPath else {
            for (flag, value) in [("--jwt-issuer", issuer), ("--jwt-audience", audience), ("--jwt-role-claim", roleClaim)]
            where value != nil {
                throw JWTConfigurationError("\(flag): only meaningful with --jwt-jwks")
            }
            return nil
        }
        guard !jwksPath.isEmpty else { throw JWTConfigurationError("--jwt-jwks: a path is required") }
        guard let issuer, !issuer.isEmpty else { throw JWTConfigurationError("--jwt-issuer: required with --jwt-jwks") }
        guard let audience, !audience.isEmpty else {
            throw JWTConfigurationError("--jwt-audience: required with --jwt-jwks")
        }
        let claim = roleClaim ?? defaultRoleClaim
        guard !claim.isEmpty else { throw JWTConfigurationError("--jwt-role-claim: must not be empty") }
        _ = try KeySet.load(path: jwksPath)
        return JWTSettings(jwks: .file(path: jwksPath), issuer: issuer, audience: audience, roleClaim: claim)
    }
}

/// A configuration mistake, worded for the operator: it names the flag and the reason, never key material.
public struct JWTConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
