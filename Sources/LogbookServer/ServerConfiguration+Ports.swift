import LogbookCore
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

extension ServerConfiguration {
    /// What `serve` listens on, each with the name a message gives it.
    var listeners: [(host: String, port: Int, name: String)] {
        [(api.host, api.port, "HTTP API"), (xdsHost, xdsPort, "xDS")]
    }

    /// Binds and releases every fixed port before anything starts, so that a busy one is refused
    /// by name (`port 18000 (xDS) is already in use; nothing was started`), as `logbook up` does,
    /// instead of one server failing after the other already listens. Port 0 is always free.
    public func checkPorts() throws(LogbookError) {
        let fixed = listeners.filter { $0.port != 0 }
        var problems = [String]()
        if fixed.count == 2, fixed[0].port == fixed[1].port {
            problems.append("port \(fixed[0].port) is given to both the \(fixed[0].name) and \(fixed[1].name)")
        } else {
            for listener in fixed {
                if let reason = Self.bindProblem(host: listener.host, port: listener.port) {
                    problems.append("port \(listener.port) (\(listener.name)) \(reason)")
                }
            }
        }
        guard problems.isEmpty else {
            throw LogbookError(.conflict, problems.joined(separator: "; ") + "; nothing was started")
        }
    }

    /// Why `host`:`port` cannot be listened on, or nil when it can. SO_REUSEADDR as the servers
    /// set it, so a port left in TIME_WAIT by an earlier run counts as free.
    static func bindProblem(host: String, port: Int) -> String? {
        let address: NIOCore.SocketAddress
        do {
            address = try .makeAddressResolvingHost(host, port: port)
        } catch {
            return "cannot be bound: \(host) is not an address of this machine"
        }
        let fd = socket(address.protocol.rawValue, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return "cannot be bound on \(host): \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        // listen() too: a port another process bound but does not listen on is still taken.
        if address.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0, listen(fd, 1) == 0 { return nil }
        let code = errno
        return code == EADDRINUSE
            ? "is already in use" : "cannot be bound on \(host): \(String(cString: strerror(code)))"
    }

    /// The address clients dial: `127.0.0.1:18000`, `[::1]:18000`.
    public static func authority(host: String, port: Int) -> String {
        isIPv6(host) ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// An IPv6 literal (`::1`, `fd00::5`): bound as IPv6, not IPv4.
    static func isIPv6(_ host: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, host, &address) == 1
    }
}
