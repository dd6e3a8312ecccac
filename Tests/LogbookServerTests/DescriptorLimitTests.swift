import Foundation
import TestSupport
import Testing

/// A server whose descriptors run out must wait for them, not spin: the connection cap sits
/// below the descriptor limit, and the kernel's backlog holds the rest.
@Suite("descriptor exhaustion", .serialized)
struct DescriptorLimitTests {
    /// CPU seconds (user + system) the process has used, from /proc.
    func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so utime and stime are fields 14 and 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func connect(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return fd
    }

    @Test("300 idle connections against a 64-descriptor server: it idles, then serves once they leave")
    func lowDescriptorLimit() async throws {
        let dir = try TemporaryDirectory()
        let script = #"ulimit -n 64 && exec "$0" serve --data-dir "$1" --http-port 0 --xds-port 0"#
        let server = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", script, logbookExecutable, dir.path + "/data"],
            logPath: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        let (httpPort, _) = try await eventually(within: .seconds(20), "serve reports its ports") {
            LogbookServe.ports(in: server.log)
        }
        let pid = server.process.processIdentifier
        var held = (0..<300).map { _ in connect(httpPort) }
        try await Task.sleep(for: .milliseconds(500))
        let before = try #require(cpuSeconds(pid))
        try await Task.sleep(for: .seconds(3))
        let used = try #require(cpuSeconds(pid)) - before
        #expect(used < 0.5, "the server used \(used) s of CPU in 3 s with its descriptors exhausted")
        for fd in held { close(fd) }
        held.removeAll()
        let answer = try await eventually(within: .seconds(20), "the server answers again") {
            try await HTTP.get("http://127.0.0.1:\(httpPort)/healthz").status == 200 ? true : nil
        }
        #expect(answer)
        #expect(server.process.isRunning)
    }
}
