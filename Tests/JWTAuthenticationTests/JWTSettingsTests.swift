import Crypto
import CryptoExtras
import Foundation
import JWTAuthentication
import TestSupport
import Testing

@Suite("JWT settings from the command-line flags")
struct JWTSettingsTests {
    let keys = TestKeys.shared
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    /// The error `load` throws for a JWKS file with these contents.
    func loadError(jwks: String) throws -> String? {
        let path = directory.path + "/jwks.json"
        try jwks.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience, roleClaim: nil)
            return nil
        } catch {
            return error.message
        }
    }

    @Test("no JWT flag at all means no JWT authentication")
    func nothing() throws {
        #expect(try JWTSettings.load(jwksPath: nil, issuer: nil, audience: nil, roleClaim: nil) == nil)
    }

    @Test("a good JWKS yields the settings, with the default role claim, skew and size limit")
    func good() throws {
        let path = directory.path + "/jwks.json"
        try keys.jwks.write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try #require(try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience))
        #expect(settings == JWTSettings(jwks: .file(path: path), issuer: issuer, audience: audience))
        #expect(settings.roleClaim == "logbook_role")
        #expect(settings.clockSkew == .seconds(60))
        #expect(settings.maxTokenBytes == 8192)
    }

    @Test("each missing companion flag is named")
    func missingFlags() throws {
        let path = directory.path + "/jwks.json"
        try keys.jwks.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: JWTConfigurationError("--jwt-issuer: required with --jwt-jwks")) {
            try JWTSettings.load(jwksPath: path, issuer: nil, audience: audience)
        }
        #expect(throws: JWTConfigurationError("--jwt-issuer: required with --jwt-jwks")) {
            try JWTSettings.load(jwksPath: path, issuer: "", audience: audience)
        }
        #expect(throws: JWTConfigurationError("--jwt-audience: required with --jwt-jwks")) {
            try JWTSettings.load(jwksPath: path, issuer: issuer, audience: nil)
        }
        #expect(throws: JWTConfigurationError("--jwt-role-claim: must not be empty")) {
            try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience, roleClaim: "")
        }
        #expect(throws: JWTConfigurationError("--jwt-issuer: only meaningful with --jwt-jwks")) {
            try JWTSettings.load(jwksPath: nil, issuer: issuer, audience: nil)
        }
        #expect(throws: JWTConfigurationError("--jwt-role-claim: only meaningful with --jwt-jwks")) {
            try JWTSettings.load(jwksPath: nil, issuer: nil, audience: nil, roleClaim: "role")
        }
    }

    @Test("a missing file is named")
    func missingFile() {
        let path = directory.path + "/absent.json"
        let error = #expect(throws: JWTConfigurationError.self) {
            try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience)
        }
        #expect(error?.message.hasPrefix("--jwt-jwks: cannot read \(path)") == true)
    }

    @Test("a file that is not a JWKS is refused with the reason")
    func notJWKS() throws {
        let prefix = "--jwt-jwks: the file \(directory.path)/jwks.json is not a JWKS: "
        #expect(try loadError(jwks: "hello") == prefix + "not a JSON object")
        #expect(try loadError(jwks: "[]") == prefix + "not a JSON object")
        #expect(try loadError(jwks: #"{"kty":"RSA"}"#) == prefix + "no \"keys\" array")
        #expect(try loadError(jwks: #"{"keys":[1]}"#) == prefix + "key 0 is not an object")
        #expect(
            try loadError(jwks: #"{"keys":[]}"#) == prefix
                + "no usable key (RSA RS256, EC P-256 ES256 or OKP Ed25519 EdDSA): it has no keys")
    }

    @Test("an HMAC (oct) key is refused with the reason and without its secret")
    func octKey() throws {
        let secret = base64URL(Data("correct horse battery staple".utf8))
        let message = try #require(
            try loadError(jwks: #"{"keys":[\#(keys.ecJWK),{"kty":"oct","kid":"shared","k":"\#(secret)"}]}"#))
        #expect(message.contains("key \"shared\" is a symmetric (oct) key"))
        #expect(message.contains("only with public keys"))
        #expect(!message.contains(secret))
    }

    @Test("a JWKS with no usable key says why each key was left out")
    func noUsableKey() throws {
        let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024)).publicKey.getKeyPrimitives()
        let smallRSA =
            #"{"kty":"RSA","kid":"small","n":"\#(base64URL(small.modulus))","e":"\#(base64URL(small.publicExponent))"}"#
        let p384 = P384.Signing.PrivateKey().publicKey.x963Representation
        let ec384 =
            #"{"kty":"EC","kid":"p384","crv":"P-384","x":"\#(base64URL(p384[1..<49]))","y":"\#(base64URL(p384[49..<97]))"}"#
        let encryption = keys.rsaJWK.replacingOccurrences(of: #""use":"sig""#, with: #""use":"enc""#)
        let ps256 = keys.rsaJWK.replacingOccurrences(of: #""alg":"RS256""#, with: #""alg":"PS256""#)
        let message = try #require(
            try loadError(jwks: #"{"keys":[\#(smallRSA),\#(ec384),\#(encryption),\#(ps256),{"kty":"XYZ"}]}"#))
        #expect(message.contains("no usable key"))
        #expect(
            message.contains(
                "key \"small\": the key's parameters are invalid (an RSA key must have at least 2048 bits)"))
        #expect(message.contains("key \"p384\": only the P-256 curve is supported for EC keys"))
        #expect(message.contains("key \"rsa-1\": \"use\" is not \"sig\""))
        #expect(message.contains("key \"rsa-1\": alg PS256 is not supported"))
        #expect(message.contains("key 4: unsupported or incomplete key (kty XYZ)"))
    }

    @Test("usable keys load beside ignored ones")
    func mixed() throws {
        let path = directory.path + "/jwks.json"
        let jwks = #"{"keys":[{"kty":"XYZ","kid":"odd"},\#(keys.edJWK)]}"#
        try jwks.write(toFile: path, atomically: true, encoding: .utf8)
        let settings = try #require(try JWTSettings.load(jwksPath: path, issuer: issuer, audience: audience))
        #expect(try JWTAuthenticator(settings: settings).keyIDs == ["ed-1"])
    }
}
