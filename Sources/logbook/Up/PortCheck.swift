import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Loopback ports: whether one is free, and free ones picked by the kernel.
enum PortCheck {
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A bound socket on `port` (0: any free port), or nil when the port is taken. SO_REUSEADDR as
    /// the servers set it, so a port left in TIME_WAIT by an earlier run still counts as free.
    private static func bind(port: Int) -> (fd: Int32, port: Int)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // listen() too: a port another process bound but does not listen on is still taken.
        guard bound == 0, listen(fd, 1) == 0 else {
            close(fd)
            return nil
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// Whether something accepts connections on `port`: a readiness probe that, unlike binding,
    /// cannot take the port from the process about to listen on it.
    static func accepts(_ port: Int) -> Bool {
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

    static func isFree(_ port: Int) -> Bool {
        guard let bound = bind(port: port) else { return false }
        close(bound.fd)
        return true
    }

    /// `count` distinct free ports; all are held open until every one is picked.
    static func freePorts(_ count: Int) -> [Int] {
        let bound = (0..<count).compactMap { _ in bind(port: 0) }
        for socket in bound { close(socket.fd) }
        return bound.map(\.port)
    }
}
