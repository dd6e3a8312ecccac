import Foundation
import TestSupport
import Testing
import X509

@testable import PKI

#if canImport(Glibc)
    import Glibc
#endif

/// The certificates in a real mutual-TLS handshake: OpenSSL's server requires a client
/// certificate from the local CA, and OpenSSL's client checks the server's name against the CA.
@Suite("Mutual TLS with the local PKI")
struct MutualTLSTests {
    @Test(
        "the control plane's certificate and a proxy's client certificate complete a handshake; others are refused",
        .timeLimit(.minutes(2)))
    func handshake() async throws {
        let temporary = try TemporaryDirectory()
        let pki = PKIDirectory(path: temporary.file("pki"))
        let ca = try LocalCA.create()
        _ = try pki.write(ca, force: false)
        _ = try pki.write(ca.issue(LeafRequest(name: "proxy-1")), force: false)
        _ = try pki.write(
            ca.issue(LeafRequest(name: "control-plane", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])),
            force: false)
        // Same subject name as ours, different key: only the signature tells them apart.
        let stranger = PKIDirectory(path: temporary.file("stranger"))
        _ = try stranger.write(LocalCA.create().issue(LeafRequest(name: "proxy-1")), force: false)

        let server = try OpenSSLServer(
            arguments: [
                "s_server", "-cert", pki.certificatePath(for: "control-plane"), "-key",
                pki.keyPath(for: "control-plane"), "-CAfile", pki.caCertificatePath, "-Verify", "1",
                "-verify_return_error", "-www",
            ], logDirectory: temporary.path)
        defer { server.stop() }

        /// A GET over TLS: the server answers only once it has accepted the client's certificate.
        func get(certificate: String?, key: String?) throws -> CommandOutput {
            var arguments = [
                "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", "localhost", "-CAfile",
                pki.caCertificatePath, "-verify_hostname", "localhost", "-verify_return_error", "-quiet",
            ]
            if let certificate, let key { arguments += ["-cert", certificate, "-key", key] }
            return try openssl(arguments, input: "GET / HTTP/1.0\r\n\r\n", timeout: 15)
        }

        let accepted = try get(certificate: pki.certificatePath(for: "proxy-1"), key: pki.keyPath(for: "proxy-1"))
        #expect(!accepted.timedOut)
        #expect(accepted.stdout.contains("HTTP/1.0 200 ok"), "stdout: \(accepted.stdout)\nstderr: \(accepted.stderr)")
        // The server's status page shows the client certificate it verified; it names proxy-1.
        if let start = accepted.stdout.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = accepted.stdout.range(
                of: "-----END CERTIFICATE-----", range: start.upperBound..<accepted.stdout.endIndex)
        {
            let peer = try Certificate(pemEncoded: String(accepted.stdout[start.lowerBound..<end.upperBound]))
            #expect(try WorkloadIdentity(certificate: peer) == .proxy("proxy-1"))
        } else {
            Issue.record("the server's page shows no client certificate: \(accepted.stdout)")
        }

        // Each refusal comes with the server's TLS alert for its reason.
        let refused: [(what: String, certificate: String?, key: String?, alert: String)] = [
            (
                "another CA's client certificate", stranger.certificatePath(for: "proxy-1"),
                stranger.keyPath(for: "proxy-1"), "unknown ca"
            ),
            ("no client certificate", nil, nil, "certificate required"),
            // serverAuth only: OpenSSL checks the client purpose.
            (
                "the server certificate as a client certificate", pki.certificatePath(for: "control-plane"),
                pki.keyPath(for: "control-plane"), "unsupported certificate"
            ),
        ]
        for attempt in refused {
            let output = try get(certificate: attempt.certificate, key: attempt.key)
            #expect(!output.timedOut, "\(attempt.what)")
            #expect(!output.stdout.contains("200 ok"), "\(attempt.what): \(output.stdout)")
            #expect(output.stderr.contains("alert \(attempt.alert)"), "\(attempt.what): \(output.stderr)")
        }
        #expect(server.isRunning, "the server stopped: \(server.log)")
    }
}

/// `openssl s_server` on a free loopback port, started by the test and stopped by its pid.
final class OpenSSLServer {
    let process = Process()
    let port: Int
    private let logPath: String

    init(arguments: [String], logDirectory: String, readyTimeout: TimeInterval = 15) throws {
        port = try freeLoopbackPort()
        logPath = logDirectory + "/s_server.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: opensslPath)
        process.arguments = arguments + ["-accept", "127.0.0.1:\(port)"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let deadline = Date().addingTimeInterval(readyTimeout)
        while !canConnect(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw ProcessTimeout(command: "openssl s_server (\(log))")
            }
            usleep(50_000)
        }
    }

    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// A port the kernel just handed out on 127.0.0.1 and released again.
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    return address
}
