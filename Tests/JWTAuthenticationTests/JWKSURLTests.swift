import Crypto
import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import JWTAuthentication
import JWTKit
import Synchronization
import Testing

/// What the loopback identity provider serves at /jwks.json: a status and a body.
final class ServedJWKS: Sendable {
    let answer = Mutex<(status: HTTPResponse.Status, body: String)>((.ok, ""))
}

@Suite("JWKS from a URL")
struct JWKSURLTests {
    let keys = TestKeys.shared

    /// Runs `body` with the URL of a loopback server that serves `served`.
    func withProvider(_ served: ServedJWKS, _ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.get("jwks.json") { _, _ -> Response in
            let (status, text) = served.answer.withLock { $0 }
            return Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)/jwks.json")
        }
    }

    @Test("a URL is fetched at start, refetched, and a failed fetch keeps the last good keys")
    func fetchAndRefetch() async throws {
        let served = ServedJWKS()
        served.answer.withLock { $0 = (.ok, keys.jwks) }
        try await withProvider(served) { url in
            let settings = try #require(
                try JWTSettings.load(jwksPath: url, issuer: issuer, audience: audience, jwksRefresh: .seconds(1)))
            #expect(settings.jwks == .url(URL(string: url)!, refresh: .seconds(1)))
            let authenticator = try await JWTAuthenticator.start(settings: settings)
            let token = try await keys.collection().sign(goodClaims(), kid: "ed-1")
            #expect(
                authenticator.authenticate(token, now: nowMillis)
                    == .success(Principal(source: .jwt, name: "user-42", role: .operator)))

            // The provider rotates to a new key.
            let rotated = P256.Signing.PrivateKey()
            let x963 = rotated.publicKey.x963Representation
            served.answer.withLock {
                $0 = (
                    .ok,
                    #"{"keys":[{"kty":"EC","kid":"ec-9","crv":"P-256","x":"\#(base64URL(x963[1..<33]))","y":"\#(base64URL(x963[33..<65]))"}]}"#
                )
            }
            #expect(await authenticator.refetch())
            #expect(authenticator.keyIDs == ["ec-9"])
            let signer = JWTKeyCollection()
            await signer.add(ecdsa: try ES256PrivateKey(backing: rotated), kid: "ec-9")
            let newToken = try await signer.sign(goodClaims(), kid: "ec-9")
            #expect((try? authenticator.authenticate(newToken, now: nowMillis)?.get()) != nil)
            #expect(authenticator.authenticate(token, now: nowMillis) == .failure(.unknown))

            // An outage or a broken document: the rotated keys stay.
            for answer in [
                (HTTPResponse.Status.internalServerError, "oops"), (.ok, "{}"),
                (.ok, #"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#),
            ] {
                served.answer.withLock { $0 = answer }
                #expect(await authenticator.refetch() == false)
                #expect((try? authenticator.authenticate(newToken, now: nowMillis)?.get()) != nil)
            }
        }
    }

    @Test("a URL that cannot be fetched at start is an error naming the flag")
    func startFails() async throws {
        let served = ServedJWKS()
        served.answer.withLock { $0 = (.notFound, "") }
        try await withProvider(served) { url in
            let settings = try #require(try JWTSettings.load(jwksPath: url, issuer: issuer, audience: audience))
            let error = await #expect(throws: JWTConfigurationError.self) {
                try await JWTAuthenticator.start(settings: settings)
            }
            #expect(error?.message == "--jwt-jwks: fetching \(url): answered 404")
            #expect(throws: JWTConfigurationError("--jwt-jwks: a URL is fetched by JWTAuthenticator.start")) {
                try JWTAuthenticator(settings: settings)
            }
        }
    }

    @Test("plain http is refused except to a loopback host")
    func plainHTTP() throws {
        #expect(
            throws: JWTConfigurationError("--jwt-jwks: a JWKS URL must use https (plain http only to a loopback host)")
        ) {
            try JWTSettings.load(jwksPath: "http://idp.example.com/jwks.json", issuer: issuer, audience: audience)
        }
        let https = try #require(
            try JWTSettings.load(
                jwksPath: "https://idp.example.com/.well-known/jwks.json", issuer: issuer, audience: audience))
        #expect(
            https.jwks == .url(URL(string: "https://idp.example.com/.well-known/jwks.json")!, refresh: .seconds(300)))
        #expect(throws: JWTConfigurationError("--jwt-jwks: https:// is not a valid URL")) {
            try JWTSettings.load(jwksPath: "https://", issuer: issuer, audience: audience)
        }
    }
}
