import Foundation
import TestSupport
import Testing
import X509

@testable import PKI

@Suite("PKI files")
struct PKIDirectoryTests {
    @Test("keys are 0600 and certificates 0644, whatever the umask; the new folder is 0700")
    func modes() throws {
        let temporary = try TemporaryDirectory()
        let pki = PKIDirectory(path: temporary.file("nested/pki"))
        let previous = umask(0)  // the loosest umask: the modes must not depend on it
        defer { umask(previous) }
        let ca = try LocalCA.create()
        let caFiles = try pki.write(ca, force: false)
        let leafFiles = try pki.write(try ca.issue(LeafRequest(name: "proxy-1")), force: false)
        #expect(caFiles.map(\.path) == [pki.caCertificatePath, pki.caKeyPath])
        #expect(leafFiles.map(\.path) == [pki.certificatePath(for: "proxy-1"), pki.keyPath(for: "proxy-1")])
        for file in caFiles + leafFiles {
            #expect(try mode(of: file.path) == (file.isPrivateKey ? 0o600 : 0o644), "\(file.path)")
        }
        #expect(try mode(of: pki.path) == 0o700)
        #expect(temporary.listing("nested/pki") == ["ca-key.pem", "ca.pem", "proxy-1-key.pem", "proxy-1.pem"])
        let loaded = try pki.loadCA()
        #expect(loaded.certificate == ca.certificate)
    }

    @Test("existing files are kept without force and replaced with it; no temporary file is left")
    func overwrite() throws {
        let temporary = try TemporaryDirectory()
        let pki = PKIDirectory(path: temporary.path)
        let first = try LocalCA.create()
        _ = try pki.write(first, force: false)
        let error = #expect(throws: PKIError.self) { try pki.write(LocalCA.create(), force: false) }
        #expect(error?.message.contains("already exists; pass --force") == true)
        #expect(try pki.loadCA().certificate == first.certificate)
        let second = try LocalCA.create()
        _ = try pki.write(second, force: true)
        #expect(try pki.loadCA().certificate == second.certificate)
        #expect(try mode(of: pki.caKeyPath) == 0o600)
        #expect(temporary.listing() == ["ca-key.pem", "ca.pem"])
    }

    @Test("a file that appears between the check and the write is not overwritten")
    func noClobber() throws {
        let temporary = try TemporaryDirectory()
        let path = temporary.file("x.pem")
        try "theirs".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: PKIError.self) {
            try PKIDirectory.writeAtomically(Array("ours".utf8), to: path, mode: 0o600, replace: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "theirs")
        #expect(temporary.listing() == ["x.pem"])
    }

    @Test("a missing CA is reported with the directory")
    func missingCA() throws {
        let temporary = try TemporaryDirectory()
        let error = #expect(throws: PKIError.self) { try PKIDirectory(path: temporary.path).loadCA() }
        #expect(error?.field == "--dir")
        #expect(error?.message.contains("logbook pki init") == true)
    }

    @Test("openssl verify accepts each leaf for its purpose and refuses it for the other")
    func opensslVerify() throws {
        let temporary = try TemporaryDirectory()
        let pki = PKIDirectory(path: temporary.path)
        let ca = try LocalCA.create()
        _ = try pki.write(ca, force: false)
        _ = try pki.write(ca.issue(LeafRequest(name: "proxy-1")), force: false)
        _ = try pki.write(ca.issue(LeafRequest(name: "proxy-2", fleet: "edge")), force: false)
        _ = try pki.write(
            ca.issue(LeafRequest(name: "control-plane", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])),
            force: false)
        let caFile = pki.caCertificatePath
        func verify(_ name: String, _ extra: [String]) throws -> CommandOutput {
            try openssl(["verify", "-CAfile", caFile] + extra + [pki.certificatePath(for: name)])
        }
        for name in ["proxy-1", "proxy-2"] {
            let ok = try verify(name, ["-purpose", "sslclient"])
            #expect(ok.status == 0 && ok.stdout.contains(": OK"), "\(ok.stdout)\(ok.stderr)")
            #expect(try verify(name, ["-purpose", "sslserver"]).status != 0)
        }
        let server = try verify("control-plane", ["-purpose", "sslserver", "-verify_hostname", "localhost"])
        #expect(server.status == 0, "\(server.stdout)\(server.stderr)")
        #expect(try verify("control-plane", ["-purpose", "sslserver", "-verify_ip", "127.0.0.1"]).status == 0)
        #expect(try verify("control-plane", ["-purpose", "sslserver", "-verify_hostname", "example.com"]).status != 0)
        #expect(try verify("control-plane", ["-purpose", "sslclient"]).status != 0)
        // The CA file verifies itself; another CA's leaf does not verify against it.
        #expect(try openssl(["verify", "-CAfile", caFile, caFile]).status == 0)
        let stranger = try TemporaryDirectory()
        let strangerPKI = PKIDirectory(path: stranger.path)
        _ = try strangerPKI.write(LocalCA.create().issue(LeafRequest(name: "proxy-1")), force: false)
        #expect(try openssl(["verify", "-CAfile", caFile, strangerPKI.certificatePath(for: "proxy-1")]).status != 0)
        // OpenSSL reads the SANs and usages as written.
        let text = try openssl(["x509", "-in", pki.certificatePath(for: "proxy-2"), "-noout", "-text"]).stdout
        #expect(text.contains("URI:spiffe://logbook/fleet/edge"))
        #expect(text.contains("TLS Web Client Authentication"))
        #expect(text.contains("CA:FALSE"))
        let serverText = try openssl(["x509", "-in", pki.certificatePath(for: "control-plane"), "-noout", "-text"])
            .stdout
        #expect(serverText.contains("DNS:localhost, IP Address:127.0.0.1"))
        #expect(serverText.contains("TLS Web Server Authentication"))
        let caText = try openssl(["x509", "-in", caFile, "-noout", "-text"]).stdout
        #expect(caText.contains("CA:TRUE, pathlen:0"))
        #expect(caText.contains("Certificate Sign, CRL Sign"))
        // And reads the keys: each matches its certificate.
        for name in ["proxy-1", "control-plane"] {
            let keyPublic = try openssl(["pkey", "-in", pki.keyPath(for: name), "-pubout"]).stdout
            let certificatePublic = try openssl(["x509", "-in", pki.certificatePath(for: name), "-noout", "-pubkey"])
                .stdout
            #expect(!keyPublic.isEmpty && keyPublic == certificatePublic)
        }
    }
}
