import Foundation
import TestSupport
import Testing

/// `logbook pki` as a user meets it: real files, real exit codes, one-line errors.
@Suite("logbook pki CLI")
struct PKICLITests {
    /// Bad input is one line on stderr naming the problem, exit code 1, and nothing on stdout.
    func expectOneLineError(
        _ output: CommandOutput, mentions: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(output.status == 1, sourceLocation: sourceLocation)
        #expect(
            output.stderr.split(separator: "\n").count == 1, "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        #expect(output.stderr.hasPrefix("logbook: error: "), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        for mention in mentions {
            #expect(output.stderr.contains(mention), "stderr: \(output.stderr)", sourceLocation: sourceLocation)
        }
        #expect(output.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    func expectNoKeyMaterial(_ output: CommandOutput, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in [output.stdout, output.stderr] {
            #expect(!text.contains("PRIVATE KEY"), sourceLocation: sourceLocation)
            #expect(!text.contains("-----BEGIN"), sourceLocation: sourceLocation)
        }
    }

    @Test("init and issue write the files, print paths, modes and identities, never a key")
    func happyPath() throws {
        let temporary = try TemporaryDirectory()
        let dir = temporary.file("pki")
        let initOutput = try runPKICommand(["pki", "init", "--dir", dir, "--days", "30"])
        #expect(initOutput.status == 0, "\(initOutput.stderr)")
        #expect(initOutput.stdout.contains("wrote \(dir)/ca.pem (certificate, mode 644)"))
        #expect(initOutput.stdout.contains("wrote \(dir)/ca-key.pem (private key, mode 600)"))
        #expect(initOutput.stdout.contains("subject CN=Logbook local CA"))
        expectNoKeyMaterial(initOutput)

        let proxy = try runPKICommand(["pki", "issue", "proxy-1", "--dir", dir, "--days", "7"])
        #expect(proxy.status == 0, "\(proxy.stderr)")
        #expect(proxy.stdout.contains("wrote \(dir)/proxy-1.pem (certificate, mode 644)"))
        #expect(proxy.stdout.contains("wrote \(dir)/proxy-1-key.pem (private key, mode 600)"))
        #expect(proxy.stdout.contains("identity spiffe://logbook/proxy/proxy-1 (clientAuth)"))
        expectNoKeyMaterial(proxy)

        let member = try runPKICommand(["pki", "issue", "proxy-2", "--fleet", "edge", "--dir", dir])
        #expect(member.status == 0, "\(member.stderr)")
        #expect(member.stdout.contains("wrote \(dir)/proxy-2.pem"))
        #expect(member.stdout.contains("identity spiffe://logbook/fleet/edge (clientAuth)"))
        expectNoKeyMaterial(member)

        let server = try runPKICommand([
            "pki", "issue", "control-plane", "--dns", "localhost", "--ip", "127.0.0.1", "--ip", "::1", "--dir", dir,
        ])
        #expect(server.status == 0, "\(server.stderr)")
        #expect(server.stdout.contains("server names localhost, 127.0.0.1, ::1 (serverAuth)"))
        expectNoKeyMaterial(server)

        #expect(
            temporary.listing("pki") == [
                "ca-key.pem", "ca.pem", "control-plane-key.pem", "control-plane.pem", "proxy-1-key.pem", "proxy-1.pem",
                "proxy-2-key.pem", "proxy-2.pem",
            ])
        for name in ["ca", "proxy-1", "proxy-2", "control-plane"] {
            #expect(try mode(of: "\(dir)/\(name)-key.pem") == 0o600)
            #expect(try mode(of: "\(dir)/\(name).pem") == 0o644)
        }
        let verify = try openssl([
            "verify", "-CAfile", "\(dir)/ca.pem", "\(dir)/proxy-1.pem", "\(dir)/proxy-2.pem",
            "\(dir)/control-plane.pem",
        ])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test("the directory defaults to $LOGBOOK_PKI_DIR, else .logbook/pki")
    func defaultDirectory() throws {
        let temporary = try TemporaryDirectory()
        let fromEnvironment = try runPKICommand(["pki", "init"], pkiDirectory: temporary.file("env"))
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(temporary.listing("env") == ["ca-key.pem", "ca.pem"])
        let fromDefault = try runPKICommand(["pki", "init"], directory: temporary.path)
        #expect(fromDefault.status == 0, "\(fromDefault.stderr)")
        #expect(temporary.listing(".logbook/pki") == ["ca-key.pem", "ca.pem"])
        let issued = try runPKICommand(["pki", "issue", "proxy-1"], directory: temporary.path)
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(temporary.listing(".logbook/pki").contains("proxy-1-key.pem"))
    }

    @Test("each bad input is one line naming the option and the reason, and writes nothing")
    func badInput() throws {
        let temporary = try TemporaryDirectory()
        let empty = temporary.file("empty")
        expectOneLineError(
            try runPKICommand(["pki", "issue", "proxy-1", "--dir", empty]), mentions: ["--dir", "no CA", "pki init"])
        #expect(!FileManager.default.fileExists(atPath: empty))

        let dir = temporary.file("pki")
        #expect(try runPKICommand(["pki", "init", "--dir", dir]).status == 0)
        let before = temporary.listing("pki")
        let cases: [([String], [String])] = [
            (["init", "--days", "0"], ["--days", "out of range 1...3650"]),
            (["init", "--days", "3651"], ["--days", "out of range 1...3650"]),
            (["init"], ["ca-key.pem already exists", "--force"]),
            (["issue", "a/b"], ["NAME", "invalid name"]),
            (["issue", "-bad"], ["<name>"]),
            (["issue", "ca"], ["NAME", "reserved"]),
            (["issue", "proxy-1", "--days", "0"], ["--days", "out of range 1...397"]),
            (["issue", "proxy-1", "--days", "398"], ["--days", "out of range 1...397"]),
            (["issue", "proxy-1", "--days", "soon"], ["--days", "soon"]),
            (["issue", "proxy-1", "--fleet", "edge/1"], ["--fleet", "invalid name"]),
            (["issue", "proxy-1", "--fleet", "edge", "--dns", "localhost"], ["--fleet", "--dns"]),
            (["issue", "control-plane", "--ip", "300.0.0.1"], ["--ip", "300.0.0.1", "not an IPv4 or IPv6 address"]),
            (["issue", "control-plane", "--ip", "localhost"], ["--ip", "not an IPv4 or IPv6 address"]),
            (["issue", "control-plane", "--dns", "bad_host"], ["--dns", "not a DNS name"]),
        ]
        for (arguments, mentions) in cases {
            expectOneLineError(try runPKICommand(["pki"] + arguments + ["--dir", dir]), mentions: mentions)
            #expect(temporary.listing("pki") == before, "\(arguments)")
        }
        // A leaf that would outlive a short CA is refused before anything is written.
        let shortDir = temporary.file("short")
        #expect(try runPKICommand(["pki", "init", "--dir", shortDir, "--days", "2"]).status == 0)
        expectOneLineError(
            try runPKICommand(["pki", "issue", "proxy-1", "--dir", shortDir, "--days", "30"]),
            mentions: ["--days", "outlive the CA"])
        #expect(temporary.listing("short") == ["ca-key.pem", "ca.pem"])
        // Without --days, the default lifetime yields to the CA's.
        #expect(try runPKICommand(["pki", "issue", "proxy-1", "--dir", shortDir]).status == 0)
        // An existing leaf is kept.
        #expect(try runPKICommand(["pki", "issue", "proxy-1", "--dir", dir]).status == 0)
        let certificate = try String(contentsOfFile: "\(dir)/proxy-1.pem", encoding: .utf8)
        let key = try String(contentsOfFile: "\(dir)/proxy-1-key.pem", encoding: .utf8)
        let again = try runPKICommand(["pki", "issue", "proxy-1", "--fleet", "edge", "--dir", dir])
        expectOneLineError(again, mentions: ["proxy-1-key.pem already exists", "--force"])
        expectNoKeyMaterial(again)
        #expect(try String(contentsOfFile: "\(dir)/proxy-1.pem", encoding: .utf8) == certificate)
        #expect(try String(contentsOfFile: "\(dir)/proxy-1-key.pem", encoding: .utf8) == key)
    }

    @Test("--force replaces the CA and a leaf, keeping the modes")
    func force() throws {
        let temporary = try TemporaryDirectory()
        let dir = temporary.file("pki")
        #expect(try runPKICommand(["pki", "init", "--dir", dir]).status == 0)
        #expect(try runPKICommand(["pki", "issue", "proxy-1", "--dir", dir]).status == 0)
        let oldCA = try String(contentsOfFile: "\(dir)/ca.pem", encoding: .utf8)
        let oldKey = try String(contentsOfFile: "\(dir)/proxy-1-key.pem", encoding: .utf8)

        let leaf = try runPKICommand(["pki", "issue", "proxy-1", "--fleet", "edge", "--dir", dir, "--force"])
        #expect(leaf.status == 0, "\(leaf.stderr)")
        #expect(leaf.stdout.contains("identity spiffe://logbook/fleet/edge"))
        #expect(try String(contentsOfFile: "\(dir)/proxy-1-key.pem", encoding: .utf8) != oldKey)
        #expect(try mode(of: "\(dir)/proxy-1-key.pem") == 0o600)

        let ca = try runPKICommand(["pki", "init", "--dir", dir, "--force"])
        #expect(ca.status == 0, "\(ca.stderr)")
        #expect(try String(contentsOfFile: "\(dir)/ca.pem", encoding: .utf8) != oldCA)
        #expect(try mode(of: "\(dir)/ca-key.pem") == 0o600)
        // The old leaf no longer verifies against the new CA.
        #expect(try openssl(["verify", "-CAfile", "\(dir)/ca.pem", "\(dir)/proxy-1.pem"]).status != 0)
        #expect(!temporary.listing("pki").contains { $0.hasPrefix(".") })
    }

    @Test("issue --help says how the kind is chosen")
    func help() throws {
        let output = try runPKICommand(["pki", "issue", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("any --dns or --ip makes one"))
        #expect(output.stdout.contains("spiffe://logbook/fleet/edge"))
    }
}
