import Crypto
import Foundation
import SwiftASN1
import TestSupport
import Testing
import X509

@testable import PKI

@Suite("Workload identities")
struct WorkloadIdentityTests {
    @Test("proxy and fleet identities render as SPIFFE URIs and parse back")
    func roundTrip() throws {
        let cases: [(WorkloadIdentity, String)] = [
            (.proxy("proxy-1"), "spiffe://logbook/proxy/proxy-1"),
            (.fleet("edge"), "spiffe://logbook/fleet/edge"),
            (.proxy("a.b_c-9"), "spiffe://logbook/proxy/a.b_c-9"),
            (.fleet(String(repeating: "x", count: 63)), "spiffe://logbook/fleet/" + String(repeating: "x", count: 63)),
        ]
        for (identity, uri) in cases {
            #expect(identity.uri == uri)
            #expect(try WorkloadIdentity(uri: uri) == identity)
        }
        #expect(try WorkloadIdentity(proxy: "proxy-1") == .proxy("proxy-1"))
        #expect(try WorkloadIdentity(fleet: "edge") == .fleet("edge"))
    }

    @Test(
        "malformed URIs are refused",
        arguments: [
            "", "spiffe://logbook", "spiffe://logbook/", "spiffe://logbook/proxy", "spiffe://logbook/proxy/",
            "spiffe://logbook/proxy/a/b", "spiffe://logbook/node/a", "spiffe://other/proxy/a",
            "SPIFFE://logbook/proxy/a", "spiffe://logbook:443/proxy/a", "spiffe://user@logbook/proxy/a",
            "spiffe://logbook/proxy/a?x=1", "spiffe://logbook/proxy/a#f", "spiffe://logbook/proxy/%61",
            "spiffe://logbook/proxy/-a", "spiffe://logbook/proxy/a-", "spiffe://logbook/proxy/a b",
            "spiffe://logbook/proxy/a\n", "spiffe://logbook/fleet/" + String(repeating: "x", count: 64),
            "spiffe://logbook//proxy/a", "https://logbook/proxy/a",
        ])
    func refusesMalformed(uri: String) {
        #expect(throws: PKIError.self) { try WorkloadIdentity(uri: uri) }
    }

    @Test("names follow the proxy-name rule")
    func names() {
        for bad in ["", "-a", "a-", "a/b", "a b", "é", String(repeating: "a", count: 64), "a\u{0}"] {
            #expect(throws: PKIError.self) { try WorkloadIdentity(proxy: bad) }
            #expect(throws: PKIError.self) { try WorkloadIdentity(fleet: bad) }
        }
    }

    @Test("a proxy identity matches the node id, a fleet identity the node cluster")
    func matching() {
        #expect(WorkloadIdentity.proxy("p1").matches(nodeID: "p1", nodeCluster: "edge"))
        #expect(!WorkloadIdentity.proxy("p1").matches(nodeID: "p2", nodeCluster: "p1"))
        #expect(WorkloadIdentity.fleet("edge").matches(nodeID: "p9", nodeCluster: "edge"))
        #expect(!WorkloadIdentity.fleet("edge").matches(nodeID: "edge", nodeCluster: nil))
        #expect(!WorkloadIdentity.fleet("edge").matches(nodeID: "edge", nodeCluster: "Edge"))
    }

    @Test("a certificate issued for a proxy or a fleet yields that identity")
    func fromIssuedCertificates() throws {
        let ca = try LocalCA.create()
        let proxy = try ca.issue(LeafRequest(name: "proxy-1"))
        #expect(try WorkloadIdentity(certificate: proxy.certificate) == .proxy("proxy-1"))
        let member = try ca.issue(LeafRequest(name: "proxy-2", fleet: "edge"))
        #expect(try WorkloadIdentity(certificate: member.certificate) == .fleet("edge"))
    }

    @Test("certificates with no identity, a bad one, or more than one are refused; foreign URIs are ignored")
    func fromCertificateSANs() throws {
        let key = P256.Signing.PrivateKey()
        func certificate(_ names: [GeneralName]?) throws -> Certificate {
            let name = try DistinguishedName { CommonName("test") }
            let privateKey = Certificate.PrivateKey(key)
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
                notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(3600), issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    if let names { SubjectAlternativeNames(names) }
                }, issuerPrivateKey: privateKey)
        }
        let one = GeneralName.uniformResourceIdentifier("spiffe://logbook/proxy/p1")
        #expect(
            try WorkloadIdentity(
                certificate: certificate([
                    .dnsName("localhost"), .uniformResourceIdentifier("spiffe://example.org/ns/x"), one,
                ])) == .proxy("p1"))
        let refused: [[GeneralName]?] = [
            nil,
            [],
            [.dnsName("localhost")],
            [one, .uniformResourceIdentifier("spiffe://logbook/fleet/edge")],
            [one, one],
            [one, .uniformResourceIdentifier("SPIFFE://LOGBOOK/proxy/p2")],
            [.uniformResourceIdentifier("spiffe://logbook/proxy/p1/extra")],
            [.uniformResourceIdentifier("spiffe://logbook")],
        ]
        for names in refused {
            #expect(throws: PKIError.self, "\(String(describing: names))") {
                try WorkloadIdentity(certificate: certificate(names))
            }
        }
        let error = #expect(throws: PKIError.self) {
            try WorkloadIdentity(
                certificate: certificate([one, .uniformResourceIdentifier("spiffe://logbook/fleet/edge")]))
        }
        #expect(error?.message.contains("2 Logbook identities") == true)
    }
}
