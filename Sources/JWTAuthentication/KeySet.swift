import Crypto
import CryptoExtras
import Foundation
import JWTKit

/// The signature algorithms Logbook accepts. Only asymmetric ones: the JWKS is public, so an
/// HMAC algorithm would let anyone who reads it mint tokens (algorithm confusion).
enum SignatureAlgorithm: String, Sendable {
    case rs256 = "RS256"
    case es256 = "ES256"
    case edDSA = "EdDSA"
}

/// One usable public key from the JWKS.
struct VerificationKey: Sendable {
    enum Material: @unchecked Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    var kid: String?
    var algorithm: SignatureAlgorithm
    var material: Material

    func isValidSignature(_ signature: Data, for signingInput: Data) -> Bool {
        switch material {
        case .rsa(let key):
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return key.isValidSignature(rsaSignature, for: SHA256.hash(data: signingInput), padding: .insecurePKCS1v1_5)
        case .p256(let key):
            // ES256 signatures are the fixed 64-byte r||s form (RFC 7518 §3.4), not DER.
            guard let ecSignature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecSignature, for: signingInput)
        case .ed25519(let key):
            return key.isValidSignature(signature, for: signingInput)
        }
    }
}

/// The usable keys of one JWKS document, and why the others were left out.
struct KeySet: Sendable {
    var keys: [VerificationKey]
    /// One line per ignored key (kid and reason, no key material), for the log.
    var skipped: [String]

    static let maxFileBytes = 1 << 20

    /// Reads and parses a JWKS file; the error names `--jwt-jwks` and the reason.
    static func load(path: String) throws(JWTConfigurationError) -> KeySet {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maxFileBytes {
                throw JWTConfigurationError("--jwt-jwks: the file \(path) is larger than \(maxFileBytes) bytes")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as JWTConfigurationError {
            throw error
        } catch {
            throw JWTConfigurationError("--jwt-jwks: cannot read \(path): \(error.localizedDescription)")
        }
        do throws(JWTConfigurationError) {
            return try parse(data)
        } catch {
            throw JWTConfigurationError("--jwt-jwks: the file \(path) is not a JWKS: \(error.message)")
        }
    }

    /// Parses a JWKS document. Throws when it is not one, when it holds a symmetric (`oct`) key,
    /// or when none of its keys is usable.
    static func parse(_ data: Data) throws(JWTConfigurationError) -> KeySet {
        guard let document = JSONValue.object(from: data) else {
            throw JWTConfigurationError("not a JSON object")
        }
        guard case .array(let entries)? = document["keys"] else {
            throw JWTConfigurationError("no \"keys\" array")
        }
        var keys: [VerificationKey] = []
        var skipped: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .object(let fields) = entry else {
                throw JWTConfigurationError("key \(index) is not an object")
            }
            let label = fields["kid"]?.string.map { "key \"\($0)\"" } ?? "key \(index)"
            if fields["kty"]?.string == "oct" {
                throw JWTConfigurationError(
                    "\(label) is a symmetric (oct) key; Logbook verifies JWTs only with public keys (RS256, ES256, EdDSA), since an HMAC secret in a JWKS lets anyone who reads it sign tokens"
                )
            }
            switch usableKey(fields) {
            case .success(let key): keys.append(key)
            case .failure(let reason): skipped.append("\(label): \(reason.message)")
            }
        }
        guard !keys.isEmpty else {
            let why = skipped.isEmpty ? "it has no keys" : skipped.joined(separator: "; ")
            throw JWTConfigurationError("no usable key (RSA RS256, EC P-256 ES256 or OKP Ed25519 EdDSA): \(why)")
        }
        return KeySet(keys: keys, skipped: skipped)
    }

    private static func usableKey(_ fields: [String: JSONValue]) -> Result<VerificationKey, JWTConfigurationError> {
        if let use = fields["use"], use.string != "sig" {
            return .failure(JWTConfigurationError("\"use\" is not \"sig\""))
        }
        if let keyOps = fields["key_ops"] {
            guard case .array(let ops) = keyOps, ops.contains(where: { $0.string == "verify" }) else {
                return .failure(JWTConfigurationError("\"key_ops\" does not allow \"verify\""))
            }
        }
        if fields["kid"] != nil, fields["kid"]?.string == nil {
            return .failure(JWTConfigurationError("\"kid\" is not a string"))
        }
        // jwt-kit's JWK model reads the standard members; re-encode just this key for it.
        let jwk: JWK
        do {
            let single = try JSONSerialization.data(withJSONObject: fields.mapValues(\.foundationObject))
            jwk = try JSONDecoder().decode(JWK.self, from: single)
        } catch {
            return .failure(
                JWTConfigurationError("unsupported or incomplete key (kty \(fields["kty"]?.string ?? "missing"))"))
        }
        let kid = jwk.keyIdentifier?.string
        do {
            switch jwk.keyType {
            case .rsa:
                guard jwk.algorithm == nil || jwk.algorithm == .rs256 else {
                    return .failure(JWTConfigurationError("alg \(jwk.algorithm!.rawValue) is not supported"))
                }
                guard let modulus = jwk.modulus, let exponent = jwk.exponent else {
                    return .failure(JWTConfigurationError("an RSA key needs \"n\" and \"e\""))
                }
                // jwt-kit refuses RSA keys shorter than 2048 bits.
                let key = try Insecure.RSA.PublicKey(modulus: modulus, exponent: exponent)
                let material = try _RSA.Signing.PublicKey(derRepresentation: key.derRepresentation)
                return .success(VerificationKey(kid: kid, algorithm: .rs256, material: .rsa(material)))
            case .ecdsa:
                guard jwk.curve == .ecdsa(.p256) else {
                    return .failure(JWTConfigurationError("only the P-256 curve is supported for EC keys"))
                }
                guard jwk.algorithm == nil || jwk.algorithm == .es256 else {
                    return .failure(JWTConfigurationError("alg \(jwk.algorithm!.rawValue) is not supported"))
                }
                guard let x = jwk.x, let y = jwk.y else {
                    return .failure(JWTConfigurationError("an EC key needs \"x\" and \"y\""))
                }
                let key = try ES256PublicKey(parameters: (x: x, y: y))
                let material = try P256.Signing.PublicKey(pemRepresentation: key.pemRepresentation)
                return .success(VerificationKey(kid: kid, algorithm: .es256, material: .p256(material)))
            case .octetKeyPair:
                guard jwk.curve == .eddsa(.ed25519) else {
                    return .failure(JWTConfigurationError("only the Ed25519 curve is supported for OKP keys"))
                }
                guard jwk.algorithm == nil || jwk.algorithm == .eddsa else {
                    return .failure(JWTConfigurationError("alg \(jwk.algorithm!.rawValue) is not supported"))
                }
                guard let x = jwk.x else { return .failure(JWTConfigurationError("an OKP key needs \"x\"")) }
                let key = try EdDSA.PublicKey(x: x, curve: .ed25519)
                let material = try Curve25519.Signing.PublicKey(rawRepresentation: key.rawRepresentation)
                return .success(VerificationKey(kid: kid, algorithm: .edDSA, material: .ed25519(material)))
            default:
                return .failure(JWTConfigurationError("unsupported key type \(jwk.keyType.rawValue)"))
            }
        } catch {
            return .failure(
                JWTConfigurationError("the key's parameters are invalid (an RSA key must have at least 2048 bits)"))
        }
    }
}

extension JSONValue {
    /// For re-encoding with JSONSerialization.
    var foundationObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .number(let value): return value
        case .string(let value): return value
        case .array(let values): return values.map(\.foundationObject)
        case .object(let fields): return fields.mapValues(\.foundationObject)
        }
    }
}
