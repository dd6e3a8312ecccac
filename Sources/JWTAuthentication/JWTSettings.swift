import Foundation

/// Where the identity provider's public keys come from: a local file, re-read when it changes
/// (`JWTAuthenticator.refresh()`), or a URL fetched at start and every `refresh`
/// (`JWTAuthenticator.refetch()`). Either way the last good key set stays in use on a failure.
public enum JWKSSource: Hashable, Sendable {
    case file(path: String)
    case url(URL, refresh: Duration)

    /// How `--jwt-jwks` names the source in errors and logs.
    var label: String {
        switch self {
        case .file(let path): path
        case .url(let url, _): url.absoluteString
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
    ///
    /// A value starting with `https://` (or `http://` to a loopback host, for tests and local
    /// identity providers) is a URL, fetched by `JWTAuthenticator.start` rather than here.
    public static func load(
        jwksPath: String?, issuer: String?, audience: String?, roleClaim: String? = nil,
        jwksRefresh: Duration = .seconds(300)
    ) throws(JWTConfigurationError) -> JWTSettings? {
        guard let jwksPath else {
            for (flag, value) in [
                ("--jwt-issuer", issuer), ("--jwt-audience", audience), ("--jwt-role-claim", roleClaim),
            ]
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
        let source: JWKSSource
        if let url = try jwksURL(jwksPath) {
            source = .url(url, refresh: jwksRefresh)
        } else {
            _ = try KeySet.load(path: jwksPath)
            source = .file(path: jwksPath)
        }
        return JWTSettings(jwks: source, issuer: issuer, audience: audience, roleClaim: claim)
    }

    /// The URL in `--jwt-jwks`, or nil when the value is a path. Plain http would let anyone on
    /// the path swap the keys, so it is refused except to this machine.
    static func jwksURL(_ value: String) throws(JWTConfigurationError) -> URL? {
        let lowered = value.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else { return nil }
        guard let url = URL(string: value), let host = url.host, !host.isEmpty else {
            throw JWTConfigurationError("--jwt-jwks: \(value) is not a valid URL")
        }
        if lowered.hasPrefix("http://"), !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) {
            throw JWTConfigurationError("--jwt-jwks: a JWKS URL must use https (plain http only to a loopback host)")
        }
        return url
    }
}

/// A configuration mistake, worded for the operator: it names the flag and the reason, never key material.
public struct JWTConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
