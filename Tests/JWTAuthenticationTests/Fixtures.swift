import Crypto
import CryptoExtras
import Foundation
import Gateway
import JWTAuthentication
import JWTKit
import TestSupport

/// A fixed instant (milliseconds), so every time check is deterministic.
let nowMillis: Int64 = 1_800_000_000_000
let nowSeconds = nowMillis / 1000
let issuer = "https://idp.example.com/"
let audience = "logbook"

func base64URL(_ data: some DataProtocol) -> String {
    Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func base64URL(_ text: String) -> String { base64URL(Data(text.utf8)) }

/// One key of each supported kind, generated once (RSA generation is slow).
struct TestKeys: Sendable {
    let rsa: _RSA.Signing.PrivateKey
    let ec: P256.Signing.PrivateKey
    let ed: Curve25519.Signing.PrivateKey

    static let shared = TestKeys(
        rsa: try! _RSA.Signing.PrivateKey(keySize: .bits2048), ec: P256.Signing.PrivateKey(),
        ed: Curve25519.Signing.PrivateKey())

    var rsaJWK: String {
        let primitives = try! rsa.publicKey.getKeyPrimitives()
        return
            #"{"kty":"RSA","kid":"rsa-1","alg":"RS256","use":"sig","n":"\#(base64URL(primitives.modulus))","e":"\#(base64URL(primitives.publicExponent))"}"#
    }

    var ecJWK: String {
        let x963 = ec.publicKey.x963Representation
        return
            #"{"kty":"EC","kid":"ec-1","crv":"P-256","x":"\#(base64URL(x963[1..<33]))","y":"\#(base64URL(x963[33..<65]))"}"#
    }

    var edJWK: String {
        #"{"kty":"OKP","kid":"ed-1","alg":"EdDSA","crv":"Ed25519","x":"\#(base64URL(ed.publicKey.rawRepresentation))"}"#
    }

    var jwks: String { #"{"keys":[\#(rsaJWK),\#(ecJWK),\#(edJWK)]}"# }

    /// jwt-kit signers for the three keys, under their JWKS kids.
    func collection() async throws -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(backing: rsa), digestAlgorithm: .sha256, kid: "rsa-1")
        await keys.add(ecdsa: try ES256PrivateKey(backing: ec), kid: "ec-1")
        await keys.add(eddsa: EdDSA.PrivateKey(backing: ed), kid: "ed-1")
        return keys
    }

    /// A token with exactly this header and payload JSON, signed ES256 by hand: for contents
    /// an encoder would never produce.
    func handSignedES256(header: String, payload: String) throws -> String {
        let input = base64URL(header) + "." + base64URL(payload)
        let signature = try ec.signature(for: Data(input.utf8)).rawRepresentation
        return input + "." + base64URL(signature)
    }
}

/// Any JSON claim value, for payloads built per test.
enum Claim: Codable, Sendable {
    case string(String)
    case int(Int64)
    case double(Double)
    case strings([String])
    case bool(Bool)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }
}

struct Claims: JWTPayload {
    var fields: [String: Claim]

    init(_ fields: [String: Claim]) { self.fields = fields }

    init(from decoder: any Decoder) throws { fields = try decoder.singleValueContainer().decode([String: Claim].self) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fields)
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Valid claims; tests change or remove one at a time.
func goodClaims(_ changes: [String: Claim?] = [:]) -> Claims {
    var fields: [String: Claim] = [
        "iss": .string(issuer), "aud": .string(audience), "sub": .string("user-42"),
        "exp": .int(nowSeconds + 3600), "iat": .int(nowSeconds - 10), "nbf": .int(nowSeconds - 10),
        "logbook_role": .string("operator"),
    ]
    for (key, value) in changes { fields[key] = value }
    return Claims(fields)
}

/// The payload of `goodClaims` as JSON text, for hand-made tokens.
func goodPayloadJSON(extra: String = "") -> String {
    #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"user-42","exp":\#(nowSeconds + 3600),"logbook_role":"admin"\#(extra)}"#
}

/// An authenticator over `jwks` written to a fresh file.
func makeAuthenticator(jwks: String = TestKeys.shared.jwks, in directory: String) throws -> JWTAuthenticator {
    let path = directory + "/jwks.json"
    try jwks.write(toFile: path, atomically: true, encoding: .utf8)
    guard let settings = try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience) else {
        throw JWTConfigurationError("no settings")
    }
    return try JWTAuthenticator(settings: settings)
}
