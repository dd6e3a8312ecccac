import Crypto
import Foundation
import SwiftASN1
import X509

/// A development certificate authority: a P-256 key and its self-signed certificate. It signs
/// leaves directly (path length 0: no intermediates).
public struct LocalCA: Sendable {
    public static let commonName = "Logbook local CA"

    public let certificate: Certificate
    public let privateKey: Certificate.PrivateKey
    /// PKCS#8 (`BEGIN PRIVATE KEY`), which OpenSSL, Envoy and swift-crypto all read.
    public let privateKeyPEM: String

    /// A new key and a CA certificate valid from a few minutes ago for `days` days.
    public static func create(days: Int = Lifetime.defaultCADays, now: Date = Date()) throws(PKIError) -> LocalCA {
        try Lifetime.check(days, in: Lifetime.caDays, what: "the CA")
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let (notBefore, notAfter) = Lifetime.validity(days: days, from: now)
        let certificate = try x509 {
            let name = try DistinguishedName {
                OrganizationName("Logbook")
                CommonName(commonName)
            }
            return try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: publicKey)
                },
                issuerPrivateKey: Certificate.PrivateKey(key))
        }
        return LocalCA(certificate: certificate, privateKey: key)
    }

    init(certificate: Certificate, privateKey: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.privateKey = Certificate.PrivateKey(privateKey)
        self.privateKeyPEM = privateKey.pemRepresentation
    }

    /// A CA read back from PEM: the certificate must be a CA certificate and the key must be its key.
    public init(certificatePEM: String, privateKeyPEM: String) throws(PKIError) {
        let certificate: Certificate
        do { certificate = try Certificate(pemEncoded: certificatePEM) } catch {
            throw PKIError(field: "--dir", "ca.pem is not a PEM certificate")
        }
        let key: P256.Signing.PrivateKey
        do { key = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM) } catch {
            throw PKIError(field: "--dir", "ca-key.pem is not a PEM P-256 private key")
        }
        guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
            throw PKIError(field: "--dir", "ca-key.pem is not the key of ca.pem")
        }
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw PKIError(field: "--dir", "ca.pem is not a CA certificate")
        }
        self.init(certificate: certificate, privateKey: key)
    }

    public var certificatePEM: String {
        // Serializing a certificate we hold (parsed or made) cannot fail.
        (try? certificate.serializeAsPEM().pemString) ?? ""
    }

    /// Signs a new leaf with a fresh key. Refuses when the CA has expired or would expire before the leaf.
    public func issue(_ request: LeafRequest, now: Date = Date()) throws(PKIError) -> IssuedCertificate {
        let days = request.days ?? Lifetime.defaultLeafDays
        let (notBefore, asked) = Lifetime.validity(days: days, from: now)
        // Only a lifetime the operator named is refused for outliving the CA; the default yields.
        let notAfter = request.days == nil ? min(asked, certificate.notValidAfter) : asked
        guard now < certificate.notValidAfter else {
            throw PKIError(
                field: "--dir",
                "the CA expired on \(certificate.notValidAfter.formatted(.iso8601)); make a new one with `logbook pki init --force`"
            )
        }
        guard notAfter <= certificate.notValidAfter else {
            let left = Int(certificate.notValidAfter.timeIntervalSince(now) / Lifetime.day)
            throw PKIError(
                field: "--days",
                "a \(days)-day certificate would outlive the CA, which expires on "
                    + "\(certificate.notValidAfter.formatted(.iso8601)); use at most --days \(left) or renew the CA")
        }
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let certificate = try x509 {
            let subject = try DistinguishedName {
                OrganizationName("Logbook")
                CommonName(request.name)
            }
            let usage: ExtendedKeyUsage.Usage
            let names: [GeneralName]
            switch request.profile {
            case .client(let identity):
                usage = .clientAuth
                names = [.uniformResourceIdentifier(identity.uri)]
            case .server(let dnsNames, let ipAddresses):
                usage = .serverAuth
                names =
                    dnsNames.map { GeneralName.dnsName($0) }
                    + ipAddresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0.bytes[...])) }
            }
            let authorityKeyID = try self.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            return try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: publicKey,
                notValidBefore: notBefore,
                notValidAfter: notAfter,
                issuer: self.certificate.subject,
                subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage])
                    SubjectAlternativeNames(names)
                    SubjectKeyIdentifier(hash: publicKey)
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
                },
                issuerPrivateKey: privateKey)
        }
        return IssuedCertificate(
            name: request.name, profile: request.profile, certificate: certificate,
            privateKey: Certificate.PrivateKey(key), privateKeyPEM: key.pemRepresentation)
    }
}

/// A leaf and its key, not yet written anywhere.
public struct IssuedCertificate: Sendable {
    public let name: String
    public let profile: LeafProfile
    public let certificate: Certificate
    public let privateKey: Certificate.PrivateKey
    /// PKCS#8, as `LocalCA.privateKeyPEM`.
    public let privateKeyPEM: String

    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
}

/// Runs swift-certificates' throwing builders; their errors (which a well-formed request does not
/// meet) become one PKIError line.
func x509<T>(_ body: () throws -> T) throws(PKIError) -> T {
    do { return try body() } catch let error as PKIError { throw error } catch {
        throw PKIError("could not build the certificate: \(error)")
    }
}

// Interpolating, printing or dumping a CA or a leaf shows what it is, never its key: a stray
// `"\(ca)"` in a log line must not leak the PEM.
extension LocalCA: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "LocalCA(\(certificate.subject), serial \(certificate.serialNumber), "
            + "expires \(certificate.notValidAfter.formatted(.iso8601)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["certificate": certificate]) }
}

extension IssuedCertificate: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "IssuedCertificate(\(name), \(profile), serial \(certificate.serialNumber), "
            + "expires \(certificate.notValidAfter.formatted(.iso8601)))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "profile": profile, "certificate": certificate])
    }
}
