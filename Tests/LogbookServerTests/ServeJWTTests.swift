import Crypto
import Foundation
import TestSupport
import Testing

/// `logbook serve --jwt-*`: an identity provider's ES256 tokens authenticate, name the actor and
/// carry the role; a token from another issuer or a bad flag is refused.
@Suite("serve: JWTs from an identity provider", .serialized)
struct ServeJWTTests {
    static let issuer = "https://idp.example.com"
    static let audience = "logbook"

    /// An identity provider: one P-256 key, published as a JWKS file.
    struct Provider {
        let key = P256.Signing.PrivateKey()
        let kid = "test-key"

        func writeJWKS(to path: String) throws {
            let raw = key.publicKey.rawRepresentation
            let jwks: [String: Any] = [
                "keys": [
                    [
                        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid,
                        "x": Self.base64URL(raw.prefix(32)), "y": Self.base64URL(raw.suffix(32)),
                    ]
                ]
            ]
            try JSONSerialization.data(withJSONObject: jwks).write(to: URL(fileURLWithPath: path))
        }

        /// A compact JWS over `claims`, valid for an hour from now unless the claims say otherwise.
        func token(_ claims: [String: Any]) throws -> String {
            let now = Int(Date().timeIntervalSince1970)
            var body: [String: Any] = ["iss": ServeJWTTests.issuer, "aud": ServeJWTTests.audience, "iat": now, "exp": now + 3600]
            body.merge(claims) { $1 }
            let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "typ": "JWT", "kid": kid])
            let payload = try JSONSerialization.data(withJSONObject: body)
            let input = Self.base64URL(header) + "." + Self.base64URL(payload)
            let signature = try key.signature(for: Data(input.utf8)).rawRepresentation
            return input + "." + Self.base64URL(signature)
        }

        static func base64URL(_ data: some DataProtocol) -> String {
            Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
    }

    @Test("a JWT authenticates with its role claim, its subject is the actor, another issuer's is refused")
    func jwtAuthenticates() async throws {
        let dir = try TemporaryDirectory()
        let provider = Provider()
        try provider.writeJWKS(to: dir.path + "/jwks.json")
        let server = try await LogbookServe(
            dataDir: dir.path + "/data",
            extra: [
                "--jwt-jwks", dir.path + "/jwks.json", "--jwt-issuer", Self.issuer, "--jwt-audience", Self.audience,
            ],
            log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }

        // Configuring an identity provider turns authentication on, though the log holds no token.
        #expect(try await HTTP.request("GET", server.api + "/services").status == 401)
        let viewer = try provider.token(["sub": "u-1", "email": "bob@example.com", "logbook_role": "viewer"])
        #expect(try await HTTP.request("GET", server.api + "/services", headers: ["Authorization": "Bearer \(viewer)"]).status == 200)
        let service: [String: Any] = ["name": "jwt-made", "protocol": "http1", "endpoints": ["127.0.0.1:9999"]]
        let refused = try await HTTP.request(
            "POST", server.api + "/services/add", json: service, headers: ["Authorization": "Bearer \(viewer)"])
        #expect(refused.status == 403, "\(refused.text)")

        let operatorToken = try provider.token(["sub": "u-2", "email": "alice@example.com", "logbook_role": "operator"])
        let added = try await HTTP.request(
            "POST", server.api + "/services/add", json: service,
            headers: ["Authorization": "Bearer \(operatorToken)", "X-Actor": "mallory"])
        #expect(added.status == 201, "\(added.text)")
        let events = try await HTTP.request(
            "GET", server.api + "/events?actor=jwt:alice@example.com", headers: ["Authorization": "Bearer \(viewer)"])
        #expect(events.status == 200)
        #expect(events.text.contains("ServiceRegistered"), "\(events.text)")

        let foreign = try provider.token(["sub": "u-3", "iss": "https://other.example.com", "logbook_role": "admin"])
        #expect(try await HTTP.request("GET", server.api + "/services", headers: ["Authorization": "Bearer \(foreign)"]).status == 401)
        let expired = try provider.token(["sub": "u-4", "logbook_role": "admin", "exp": 1_000])
        #expect(try await HTTP.request("GET", server.api + "/services", headers: ["Authorization": "Bearer \(expired)"]).status == 401)
        #expect(!server.child.log.contains(operatorToken))
    }

    @Test("a --jwt-* mistake is one line naming the flag, and nothing starts")
    func badFlags() async throws {
        let dir = try TemporaryDirectory()
        let cases: [([String], String)] = [
            (["--jwt-issuer", Self.issuer], "--jwt-issuer"),
            (["--jwt-jwks", dir.path + "/jwks.json", "--jwt-audience", Self.audience], "--jwt-issuer"),
            (["--jwt-jwks", dir.path + "/missing.json", "--jwt-issuer", Self.issuer, "--jwt-audience", Self.audience], "--jwt-jwks"),
            (["--jwt-jwks", "http://idp.example.com/jwks", "--jwt-issuer", Self.issuer, "--jwt-audience", Self.audience], "--jwt-jwks"),
        ]
        try Provider().writeJWKS(to: dir.path + "/jwks.json")
        for (flags, named) in cases {
            let result = try await runToEnd(
                logbookExecutable, ["serve", "--data-dir", dir.path + "/data", "--http-port", "0", "--xds-port", "0"] + flags)
            #expect(result.status == 1, "\(flags): \(result.stderr)")
            #expect(result.stderr.contains(named), "\(flags): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(flags): \(result.stderr)")
        }
    }
}
