import Crypto
import Foundation
import SwiftASN1
import TestSupport
import Testing
@_spi(FixedExpiryValidationTime) import X509

@testable import PKI

/// Validates `leaf` against `ca` with swift-certificates' RFC 5280 verifier (plus a server
/// identity check when a host is given) at `time`.
func verifies(
    _ leaf: Certificate, by ca: Certificate, at time: Date = Date(), host: String? = nil, ip: String? = nil
) async -> Bool {
    var verifier = Verifier(rootCertificates: CertificateStore([ca])) {
        RFC5280Policy(fixedExpiryValidationTime: time)
        if host != nil || ip != nil { ServerIdentityPolicy(serverHostname: host, serverIP: ip) }
    }
    if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) { return true }
    return false
}

@Suite("Local CA and leaves")
struct IssuingTests {
    let now = Date()

    @Test("the CA is a self-signed P-256 CA certificate with keyCertSign and cRLSign")
    func caCertificate() async throws {
        let ca = try LocalCA.create(days: 10, now: now)
        let certificate = ca.certificate
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.subject.description.contains("CN=Logbook local CA"))
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(P256.Signing.PublicKey(certificate.publicKey) != nil)
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
        #expect(certificate.notValidBefore <= now.addingTimeInterval(-Lifetime.clockSkew + 1))
        #expect(abs(certificate.notValidAfter.timeIntervalSince(now) - 10 * 86400) < 2)
        #expect(await verifies(certificate, by: certificate, at: now))
    }

    @Test("a proxy leaf: clientAuth, the proxy's URI SAN, signed by the CA, short-lived")
    func proxyLeaf() async throws {
        let ca = try LocalCA.create(now: now)
        let leaf = try ca.issue(LeafRequest(name: "proxy-1"), now: now)
        let certificate = leaf.certificate
        #expect(certificate.issuer == ca.certificate.subject)
        #expect(certificate.subject.description.contains("CN=proxy-1"))
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try certificate.extensions.extendedKeyUsage.map(Array.init) == [.clientAuth])
        #expect(try certificate.extensions.keyUsage?.digitalSignature == true)
        #expect(
            try certificate.extensions.subjectAlternativeNames.map(Array.init) ?? [] == [
                .uniformResourceIdentifier("spiffe://logbook/proxy/proxy-1")
            ])
        #expect(
            try certificate.extensions.authorityKeyIdentifier?.keyIdentifier
                == ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(abs(certificate.notValidAfter.timeIntervalSince(now) - 30 * 86400) < 2)
        #expect(await verifies(certificate, by: ca.certificate, at: now))
        // The backdated notBefore tolerates a peer clock a few minutes behind; the end is the end.
        #expect(await verifies(certificate, by: ca.certificate, at: now.addingTimeInterval(-240)))
        #expect(!(await verifies(certificate, by: ca.certificate, at: now.addingTimeInterval(31 * 86400))))
        #expect(!(await verifies(certificate, by: try LocalCA.create().certificate, at: now)))
    }

    @Test("a fleet member's leaf names the fleet; the subject names the member")
    func fleetLeaf() async throws {
        let ca = try LocalCA.create(now: now)
        let leaf = try ca.issue(LeafRequest(name: "proxy-2", fleet: "edge", days: 1), now: now)
        #expect(leaf.name == "proxy-2")
        #expect(leaf.certificate.subject.description.contains("CN=proxy-2"))
        #expect(
            try leaf.certificate.extensions.subjectAlternativeNames.map(Array.init) ?? [] == [
                .uniformResourceIdentifier("spiffe://logbook/fleet/edge")
            ])
        #expect(try leaf.certificate.extensions.extendedKeyUsage.map(Array.init) == [.clientAuth])
        #expect(await verifies(leaf.certificate, by: ca.certificate, at: now))
    }

    @Test("a server leaf: serverAuth, DNS and IP SANs, valid for those names only")
    func serverLeaf() async throws {
        let ca = try LocalCA.create(now: now)
        let request = try LeafRequest(
            name: "control-plane", dnsNames: ["localhost", "localhost"], ipAddresses: ["127.0.0.1", "::1"])
        let leaf = try ca.issue(request, now: now)
        #expect(try leaf.certificate.extensions.extendedKeyUsage.map(Array.init) == [.serverAuth])
        #expect(
            try leaf.certificate.extensions.subjectAlternativeNames.map(Array.init) ?? [] == [
                .dnsName("localhost"),
                .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
            ])
        #expect(throws: PKIError.self) { try WorkloadIdentity(certificate: leaf.certificate) }
        #expect(await verifies(leaf.certificate, by: ca.certificate, at: now, host: "localhost"))
        #expect(await verifies(leaf.certificate, by: ca.certificate, at: now, ip: "127.0.0.1"))
        #expect(await verifies(leaf.certificate, by: ca.certificate, at: now, ip: "::1"))
        #expect(!(await verifies(leaf.certificate, by: ca.certificate, at: now, host: "example.com")))
        #expect(!(await verifies(leaf.certificate, by: ca.certificate, at: now, ip: "127.0.0.2")))
    }

    @Test("serial numbers are random and differ between leaves")
    func serials() throws {
        let ca = try LocalCA.create(now: now)
        let serials = try (0..<5).map { _ in try ca.issue(LeafRequest(name: "p"), now: now).certificate.serialNumber }
        #expect(Set(serials.map(\.description)).count == 5)
        #expect(serials.allSatisfy { $0.bytes.count >= 16 })
    }

    @Test("lifetimes are bounded: CA 1...3650 days, leaves 1...397 and never past the CA")
    func lifetimes() throws {
        for days in [0, -1, 3651] {
            #expect(throws: PKIError(field: "--days", "\(days) is out of range 1...3650 for the CA")) {
                try LocalCA.create(days: days)
            }
        }
        for days in [0, 398] {
            #expect(throws: PKIError.self) { try LeafRequest(name: "p", days: days) }
        }
        _ = try LocalCA.create(days: 3650)
        let shortCA = try LocalCA.create(days: 2, now: now)
        _ = try shortCA.issue(LeafRequest(name: "p", days: 2), now: now)
        let error = #expect(throws: PKIError.self) { try shortCA.issue(LeafRequest(name: "p", days: 3), now: now) }
        #expect(error?.field == "--days")
        #expect(error?.message.contains("outlive the CA") == true)
        let expired = #expect(throws: PKIError.self) {
            try shortCA.issue(LeafRequest(name: "p", days: 1), now: now.addingTimeInterval(3 * 86400))
        }
        #expect(expired?.message.contains("expired") == true)
    }

    @Test("bad leaf requests name the option at fault")
    func badRequests() {
        let cases: [(() throws -> LeafRequest, String)] = [
            ({ try LeafRequest(name: "a/b") }, "NAME"),
            ({ try LeafRequest(name: "ca") }, "NAME"),
            ({ try LeafRequest(name: "proxy-key") }, "NAME"),
            ({ try LeafRequest(name: "p", fleet: "-edge") }, "--fleet"),
            ({ try LeafRequest(name: "p", fleet: "edge", dnsNames: ["localhost"]) }, "--fleet"),
            ({ try LeafRequest(name: "p", dnsNames: ["bad_host"]) }, "--dns"),
            ({ try LeafRequest(name: "p", dnsNames: ["*.example.com"]) }, "--dns"),
            ({ try LeafRequest(name: "p", ipAddresses: ["300.1.1.1"]) }, "--ip"),
            ({ try LeafRequest(name: "p", ipAddresses: ["localhost"]) }, "--ip"),
            ({ try LeafRequest(name: "p", days: 400) }, "--days"),
        ]
        for (make, field) in cases {
            let error = #expect(throws: PKIError.self) { try make() }
            #expect(error?.field == field, "\(String(describing: error))")
        }
    }

    @Test("printing, interpolating or dumping a CA or a leaf never shows its key")
    func noKeyInDescriptions() throws {
        let ca = try LocalCA.create(now: now)
        let leaf = try ca.issue(LeafRequest(name: "proxy-1"), now: now)
        var dumped = ""
        dump(ca, to: &dumped)
        dump(leaf, to: &dumped)
        for text in ["\(ca)", String(reflecting: ca), "\(leaf)", String(reflecting: leaf), dumped] {
            #expect(!text.contains("PRIVATE KEY"), "\(text)")
            #expect(!text.contains(String(ca.privateKeyPEM.split(separator: "\n")[1].prefix(20))))
        }
        #expect("\(leaf)".contains("proxy-1"))
    }

    @Test("a CA reads back from PEM; a key that is not the CA's is refused")
    func caRoundTrip() throws {
        let ca = try LocalCA.create(now: now)
        let loaded = try LocalCA(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)
        #expect(loaded.certificate == ca.certificate)
        #expect(loaded.privateKey == ca.privateKey)
        #expect(loaded.privateKeyPEM == ca.privateKeyPEM)
        #expect(ca.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let other = try LocalCA.create(now: now)
        #expect(throws: PKIError.self) {
            try LocalCA(certificatePEM: ca.certificatePEM, privateKeyPEM: other.privateKeyPEM)
        }
        let leaf = try ca.issue(LeafRequest(name: "p"), now: now)
        #expect(throws: PKIError.self) {
            try LocalCA(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)
        }
        #expect(throws: PKIError.self) { try LocalCA(certificatePEM: "junk", privateKeyPEM: ca.privateKeyPEM) }
    }
}
