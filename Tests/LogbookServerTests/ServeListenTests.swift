import Foundation
import TestSupport
import Testing

/// A listening socket the test holds, on `host` (IPv4 or IPv6 literal) and `port` (0: a free
/// one); nil when it cannot be bound. Closed by the caller.
func listeningSocket(_ host: String, port: Int = 0) -> (fd: Int32, port: Int)? {
    let ipv6 = host.contains(":")
    let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var storage = sockaddr_storage()
    var length: socklen_t
    if ipv6 {
        length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        withUnsafeMutableBytes(of: &storage) { raw in
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
            address.pointee.sin6_family = sa_family_t(AF_INET6)
            address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
            _ = inet_pton(AF_INET6, host, &address.pointee.sin6_addr)
        }
    } else {
        length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutableBytes(of: &storage) { raw in
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
            address.pointee.sin_addr.s_addr = inet_addr(host)
        }
    }
    let bound = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 }
    }
    guard bound else {
        close(fd)
        return nil
    }
    _ = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    let actual = withUnsafeBytes(of: &storage) { raw in
        ipv6
            ? raw.load(as: sockaddr_in6.self).sin6_port : raw.load(as: sockaddr_in.self).sin_port
    }
    return (fd, Int(UInt16(bigEndian: actual)))
}

/// Whether this machine has an IPv6 loopback: `::1` can be bound.
let hasIPv6Loopback: Bool = {
    guard let socket = listeningSocket("::1") else { return false }
    close(socket.fd)
    return true
}()

/// Whether something accepts TCP connections on `[::1]:port`.
func acceptsOnIPv6Loopback(_ port: Int) -> Bool {
    let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_port = in_port_t(UInt16(port).bigEndian)
    _ = inet_pton(AF_INET6, "::1", &address.sin6_addr)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0
        }
    }
}

/// Where `logbook serve` listens: a busy port is refused before anything starts, and an IPv6
/// xDS host is bound as IPv6.
@Suite("serve: listening addresses", .serialized)
struct ServeListenTests {
    @Test("a busy xDS or HTTP port: exit 1, one line naming the port, nothing started or created")
    func busyPortStartsNothing() async throws {
        let dir = try TemporaryDirectory()
        let taken = try #require(listeningSocket("127.0.0.1"))
        defer { close(taken.fd) }
        for (flag, name) in [("--xds-port", "xDS"), ("--http-port", "HTTP API")] {
            let data = dir.path + "/data-\(name.count)"
            let other = flag == "--xds-port" ? "--http-port" : "--xds-port"
            let free = freePort()
            let finished = try await runToEnd(
                logbookExecutable,
                ["serve", "--data-dir", data, flag, String(taken.port), other, String(free)])
            #expect(finished.status == 1, "\(finished.stderr)")
            #expect(
                finished.stderr
                    == "logbook: error: port \(taken.port) (\(name)) is already in use; nothing was started\n")
            // Nothing started: no server line, no log created, and the other port was never taken.
            #expect(!finished.stderr.contains("serving"))
            #expect(!FileManager.default.fileExists(atPath: data))
            #expect(!finished.stderr.contains("serverIsStopped"))
        }
    }

    @Test(
        "--xds-host ::1 binds xDS on the IPv6 loopback",
        .enabled(if: hasIPv6Loopback, "this machine has no IPv6 loopback: ::1 cannot be bound"))
    func xdsOnIPv6Loopback() async throws {
        let dir = try TemporaryDirectory()
        let server = try ChildProcess(
            executable: logbookExecutable,
            arguments: [
                "serve", "--data-dir", dir.path + "/data", "--http-port", "0", "--xds-host", "::1", "--xds-port", "0",
            ],
            logPath: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        let port = try await eventually(within: .seconds(20), "serve reports xDS on [::1]") {
            let log = server.log
            return log.range(of: "and xDS on [::1]:").flatMap { Int(log[$0.upperBound...].prefix(while: \.isNumber)) }
        }
        #expect(acceptsOnIPv6Loopback(port), "\(server.log)")
        #expect(!server.log.contains("error"), "\(server.log)")
        // A busy IPv6 port is refused like an IPv4 one.
        let second = try await runToEnd(
            logbookExecutable,
            [
                "serve", "--data-dir", dir.path + "/other", "--http-port", "0", "--xds-host", "::1", "--xds-port",
                String(port),
            ])
        #expect(second.status == 1)
        #expect(second.stderr.contains("port \(port) (xDS) is already in use; nothing was started"), "\(second.stderr)")
    }
}
