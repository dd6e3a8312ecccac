import Crypto
import Foundation
import Gateway
import JWTKit
import TestSupport
import Testing

@testable import JWTAuthentication

@Suite("JWT verification")
struct JWTAuthenticatorTests {
    let keys = TestKeys.shared
    let directory: TemporaryDirectory
    let authenticator: JWTAuthenticator

    init() throws {
        directory = try TemporaryDirectory()
        authenticator = try makeAuthenticator(in: directory.path)
    }

    func check(_ token: String, now: Int64 = nowMillis) -> Result<Principal, CredentialRefusal>? {
        authenticator.authenticate(token, now: now)
    }

    func sign(_ claims: Claims, kid: String = "ec-1") async throws -> String {
        try await keys.collection().sign(claims, kid: JWKIdentifier(string: kid))
    }

    @Test("a good token verifies with each algorithm", arguments: ["rsa-1", "ec-1", "ed-1"])
    func goodPath(kid: String) async throws {
        let token = try await sign(goodClaims(), kid: kid)
        #expect(check(token) == .success(Principal(source: .jwt, name: "user-42", role: .operator)))
    }

    @Test("the header names the algorithm jwt-kit used")
    func algorithms() async throws {
        for (kid, alg) in [("rsa-1", "RS256"), ("ec-1", "ES256"), ("ed-1", "EdDSA")] {
            let token = try await sign(goodClaims(), kid: kid)
            let header = try #require(base64URLDecode(token.split(separator: ".")[0]))
            #expect(String(decoding: header, as: UTF8.self).contains(#""alg":"\#(alg)""#))
        }
    }

    @Test("the principal is the email when there is one, else the subject; its actor is jwt:NAME")
    func principalName() async throws {
        let withEmail = try await sign(
            goodClaims(["email": .string("alice@example.com"), "logbook_role": .string("admin")]))
        let principal = try check(withEmail)?.get()
        #expect(principal == Principal(source: .jwt, name: "alice@example.com", role: .admin))
        #expect(principal?.actor == "jwt:alice@example.com")
        let nonStringEmail = try await sign(goodClaims(["email": .int(7), "logbook_role": .string("viewer")]))
        #expect(check(nonStringEmail) == .success(Principal(source: .jwt, name: "user-42", role: .viewer)))
    }

    @Test("a token without kid is tried against the keys of its algorithm")
    func noKid() throws {
        let token = try keys.handSignedES256(header: #"{"alg":"ES256","typ":"JWT"}"#, payload: goodPayloadJSON())
        #expect(check(token) == .success(Principal(source: .jwt, name: "user-42", role: .admin)))
    }

    @Test("an audience array containing ours is accepted; one without it is not")
    func audienceArray() async throws {
        let good = try await sign(goodClaims(["aud": .strings(["other", audience])]))
        #expect((try? check(good)?.get()) != nil)
        let bad = try await sign(goodClaims(["aud": .strings(["other", "another"])]))
        #expect(check(bad) == .failure(.wrongAudience))
    }

    @Test("exp: expired beyond the skew is refused, within it accepted, missing or not a number is malformed")
    func expiry() async throws {
        #expect(check(try await sign(goodClaims(["exp": .int(nowSeconds - 120)]))) == .failure(.expired))
        #expect(check(try await sign(goodClaims(["exp": .int(nowSeconds - 60)]))) == .failure(.expired))
        #expect((try? check(try await sign(goodClaims(["exp": .int(nowSeconds - 30)])))?.get()) != nil)
        #expect(check(try await sign(goodClaims(["exp": nil]))) == .failure(.malformed))
        #expect(check(try await sign(goodClaims(["exp": .string("tomorrow")]))) == .failure(.malformed))
        #expect(check(try await sign(goodClaims(["exp": .bool(true)]))) == .failure(.malformed))
        // The same token, judged an hour and two minutes later.
        let token = try await sign(goodClaims())
        #expect(check(token, now: nowMillis + 3_720_000) == .failure(.expired))
    }

    @Test("nbf and iat in the future beyond the skew are refused as not yet valid")
    func notYetValid() async throws {
        #expect(check(try await sign(goodClaims(["nbf": .int(nowSeconds + 120)]))) == .failure(.notYetValid))
        #expect((try? check(try await sign(goodClaims(["nbf": .int(nowSeconds + 30)])))?.get()) != nil)
        #expect(check(try await sign(goodClaims(["iat": .int(nowSeconds + 120)]))) == .failure(.notYetValid))
        #expect((try? check(try await sign(goodClaims(["iat": .int(nowSeconds + 30)])))?.get()) != nil)
        #expect((try? check(try await sign(goodClaims(["iat": nil, "nbf": nil])))?.get()) != nil)
        #expect(check(try await sign(goodClaims(["nbf": .string("soon")]))) == .failure(.malformed))
    }

    @Test("a wrong or missing issuer is refused")
    func wrongIssuer() async throws {
        #expect(
            check(try await sign(goodClaims(["iss": .string("https://evil.example.com/")]))) == .failure(.wrongIssuer))
        #expect(check(try await sign(goodClaims(["iss": nil]))) == .failure(.wrongIssuer))
    }

    @Test("a wrong or missing audience is refused")
    func wrongAudience() async throws {
        #expect(check(try await sign(goodClaims(["aud": .string("grafana")]))) == .failure(.wrongAudience))
        #expect(check(try await sign(goodClaims(["aud": nil]))) == .failure(.wrongAudience))
    }

    @Test(
        "a missing, unknown or non-string role is refused",
        arguments: [nil, Claim.string("root"), .string(""), .int(3), .strings(["admin"])])
    func missingRole(role: Claim?) async throws {
        #expect(check(try await sign(goodClaims(["logbook_role": role]))) == .failure(.missingRole))
    }

    @Test("the role claim's name is configurable")
    func roleClaimName() async throws {
        let path = directory.path + "/jwks.json"
        let settings = try #require(
            try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience, roleClaim: "groups_role"))
        let custom = try JWTAuthenticator(settings: settings)
        let token = try await sign(goodClaims(["groups_role": .string("admin")]))
        #expect(
            custom.authenticate(token, now: nowMillis)
                == .success(Principal(source: .jwt, name: "user-42", role: .admin)))
        #expect(custom.authenticate(try await sign(goodClaims()), now: nowMillis) == .failure(.missingRole))
    }

    @Test("a token without a subject is malformed")
    func missingSubject() async throws {
        #expect(check(try await sign(goodClaims(["sub": nil]))) == .failure(.malformed))
    }

    @Test("a key id not in the JWKS is unknown")
    func unknownKey() async throws {
        let stranger = JWTKeyCollection()
        await stranger.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey()), kid: "ec-2")
        #expect(check(try await stranger.sign(goodClaims(), kid: "ec-2")) == .failure(.unknown))
    }

    @Test("a token signed by another key under a known kid has a bad signature")
    func forgedSignature() async throws {
        let forger = JWTKeyCollection()
        await forger.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey()), kid: "ec-1")
        #expect(check(try await forger.sign(goodClaims(), kid: "ec-1")) == .failure(.badSignature))
        let edForger = JWTKeyCollection()
        await edForger.add(eddsa: EdDSA.PrivateKey(backing: Curve25519.Signing.PrivateKey()), kid: "ed-1")
        #expect(check(try await edForger.sign(goodClaims(), kid: "ed-1")) == .failure(.badSignature))
    }

    @Test("changing the payload after signing breaks the signature", arguments: ["rsa-1", "ec-1", "ed-1"])
    func tampered(kid: String) async throws {
        let token = try await sign(goodClaims(), kid: kid)
        let parts = token.split(separator: ".").map(String.init)
        let promoted = base64URL(
            String(decoding: base64URLDecode(parts[1])!, as: UTF8.self).replacingOccurrences(
                of: "\"operator\"", with: "\"admin\"\u{20}"))
        #expect(check([parts[0], promoted, parts[2]].joined(separator: ".")) == .failure(.badSignature))
        #expect(check([parts[0], parts[1], ""].joined(separator: ".")) == .failure(.badSignature))
    }

    @Test("a key is used only with its own algorithm")
    func keyAlgorithmMismatch() async throws {
        // An RSA signature under the EC key's kid.
        let confused = JWTKeyCollection()
        await confused.add(rsa: try Insecure.RSA.PrivateKey(backing: keys.rsa), digestAlgorithm: .sha256, kid: "ec-1")
        #expect(check(try await confused.sign(goodClaims(), kid: "ec-1")) == .failure(.unsupportedAlgorithm))
    }

    @Test("alg none is refused, however it is spelled")
    func algNone() throws {
        for alg in ["none", "None", "NONE"] {
            let header = base64URL(#"{"alg":"\#(alg)","typ":"JWT"}"#)
            let payload = base64URL(goodPayloadJSON())
            #expect(check("\(header).\(payload).") == .failure(.unsupportedAlgorithm))
            #expect(check("\(header).\(payload).c2ln") == .failure(.unsupportedAlgorithm))
        }
        let noAlg = base64URL(#"{"typ":"JWT"}"#) + "." + base64URL(goodPayloadJSON()) + "."
        #expect(check(noAlg) == .failure(.malformed))
    }

    @Test("an HS256 token keyed with the RSA public key's PEM is refused (algorithm confusion)")
    func hmacConfusion() async throws {
        let pem = keys.rsa.publicKey.pemRepresentation
        for kid in ["rsa-1", "ec-1"] {
            let attacker = JWTKeyCollection()
            await attacker.add(
                hmac: HMACKey(from: Data(pem.utf8)), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            let token = try await attacker.sign(
                goodClaims(["logbook_role": .string("admin")]), kid: JWKIdentifier(string: kid))
            #expect(check(token) == .failure(.unsupportedAlgorithm))
        }
        // By hand too, without a kid, and with each HMAC size.
        let secret = SymmetricKey(data: Data(pem.utf8))
        for alg in ["HS256", "HS384", "HS512"] {
            let input = base64URL(#"{"alg":"\#(alg)"}"#) + "." + base64URL(goodPayloadJSON())
            let mac =
                switch alg {
                case "HS256": Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: secret))
                case "HS384": Data(HMAC<SHA384>.authenticationCode(for: Data(input.utf8), using: secret))
                default: Data(HMAC<SHA512>.authenticationCode(for: Data(input.utf8), using: secret))
                }
            #expect(check(input + "." + base64URL(mac)) == .failure(.unsupportedAlgorithm))
        }
    }

    @Test("other algorithms are refused", arguments: ["RS384", "PS256", "ES384", "ES512", "ES256K", "Ed25519", ""])
    func otherAlgorithms(alg: String) throws {
        let token = try keys.handSignedES256(header: #"{"alg":"\#(alg)","kid":"ec-1"}"#, payload: goodPayloadJSON())
        #expect(check(token) == .failure(.unsupportedAlgorithm))
    }

    @Test("a crit header is refused")
    func critHeader() throws {
        let token = try keys.handSignedES256(
            header: #"{"alg":"ES256","kid":"ec-1","crit":["exp"]}"#, payload: goodPayloadJSON())
        #expect(check(token) == .failure(.malformed))
    }

    @Test("an oversized token is refused before decoding, a large but allowed one is not")
    func oversized() async throws {
        let padding = String(repeating: "x", count: 9 * 1024)
        let token = try await sign(goodClaims(["padding": .string(padding)]))
        #expect(check(token) == .failure(.malformed))
        var settings = authenticator.settings
        settings.maxTokenBytes = 64 * 1024
        let roomy = try JWTAuthenticator(settings: settings)
        #expect((try? roomy.authenticate(token, now: nowMillis)?.get()) != nil)
        #expect(check(String(repeating: "a", count: 1 << 20)) == .failure(.malformed))
        #expect(check(String(repeating: "eyJhbGciOiJFUzI1NiJ9.", count: 50_000)) == .failure(.malformed))
    }

    @Test("garbage is malformed and never crashes")
    func garbage() throws {
        let samples = [
            "", ".", "..", "...", "a.b", "a.b.c.d", "!!!.@@@.###", "\u{FFFD}\u{0}\u{7}.\u{1F600}.x",
            "eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ9.e30", "a===.b.c", "abcde.abcde.abcde",
            base64URL("not json") + "." + base64URL("{}") + ".",
            base64URL("[1,2]") + "." + base64URL("{}") + ".",
            base64URL(#"{"alg":7}"#) + "." + base64URL("{}") + ".",
            base64URL(#"{"alg":"ES256","kid":7}"#) + "." + base64URL("{}") + ".",
            base64URL(Data([0xFF, 0xFE, 0x00, 0x80])) + "." + base64URL(Data([0xC3, 0x28])) + "."
                + base64URL(Data([1])),
            base64URL(String(repeating: "[", count: 5000)) + ".e30.",
            base64URL(String(repeating: "{\"a\":", count: 1000)) + ".e30.",
        ]
        for sample in samples {
            #expect(check(sample) == .failure(.malformed), "\(sample.prefix(40))")
        }
        // A well-formed header with nothing signed: the signature is checked before the payload is read.
        #expect(check("eyJhbGciOiJSUzI1NiJ9..") == .failure(.badSignature))
    }

    @Test("payloads that are not JSON objects, or carry huge numbers, are malformed once the signature holds")
    func badPayloads() throws {
        let header = #"{"alg":"ES256","kid":"ec-1"}"#
        for payload in [
            "not json", "[]", "\"x\"", String(repeating: "[", count: 3000),
            #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"u","logbook_role":"admin","exp":1e999}"#,
            #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"u","logbook_role":"admin","exp":-1e999}"#,
            #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"u","logbook_role":"admin","exp":true}"#,
            #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"u","logbook_role":"admin","exp":null}"#,
        ] {
            #expect(check(try keys.handSignedES256(header: header, payload: payload)) == .failure(.malformed))
        }
        // Very large but finite numbers are just numbers.
        let far =
            #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"u","logbook_role":"admin","exp":1e300,"iat":-1e300}"#
        #expect((try? check(try keys.handSignedES256(header: header, payload: far))?.get()) != nil)
        let old =
            #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"u","logbook_role":"admin","exp":-9223372036854775809}"#
        #expect(check(try keys.handSignedES256(header: header, payload: old)) == .failure(.expired))
    }

    @Test("a Logbook token is not ours")
    func logbookToken() {
        #expect(check("lbk_0123456789abcdef") == nil)
        #expect(check("lbk_" + String(repeating: "z", count: 100_000)) == nil)
    }

    @Test("run() polls the file until cancelled")
    func runPolls() async throws {
        let path = directory.path + "/jwks.json"
        let poller = Task { await authenticator.run(every: .milliseconds(20)) }
        defer { poller.cancel() }
        try #"{"keys":[\#(keys.edJWK)]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let ids = try await eventually("the poller loads the new file") { () -> [String?]? in
            authenticator.keyIDs == ["ed-1"] ? authenticator.keyIDs : nil
        }
        #expect(ids == ["ed-1"])
        poller.cancel()
        await poller.value
    }

    @Test("a changed JWKS file is picked up by refresh; a broken one keeps the last good keys")
    func refresh() async throws {
        let path = directory.path + "/jwks.json"
        let newKey = P256.Signing.PrivateKey()
        let x963 = newKey.publicKey.x963Representation
        let rotated =
            #"{"keys":[{"kty":"EC","kid":"ec-2","crv":"P-256","x":"\#(base64URL(x963[1..<33]))","y":"\#(base64URL(x963[33..<65]))"}]}"#
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: try ES256PrivateKey(backing: newKey), kid: "ec-2")
        let token = try await signer.sign(goodClaims(), kid: "ec-2")
        #expect(check(token) == .failure(.unknown))
        #expect(authenticator.refresh() == false)

        try rotated.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(authenticator.refresh())
        #expect((try? check(token)?.get()) != nil)
        #expect(authenticator.keyIDs == ["ec-2"])

        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(authenticator.refresh() == false)
        #expect((try? check(token)?.get()) != nil)
    }
}
