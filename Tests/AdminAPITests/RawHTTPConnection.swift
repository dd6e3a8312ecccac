import Foundation
import TestSupport

/// A TCP connection to the API that sends exactly the bytes a test gives it: for requests no
/// well-behaved client would send (broken chunked framing, a header a byte at a time).
///
/// Its waits are `Task.sleep`s over non-blocking calls: the server under test runs on the same
/// cooperative thread pool, and a blocked thread there would stall the server, not the client.
final class RawHTTPConnection {
    private let socket: Int32

    init(port: Int) throws {
        let socket = try connectLoopback(port: port)
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        self.socket = socket
    }

    deinit {
        close(socket)
    }

    /// Ends the connection with a TCP reset, as a client that crashed mid-request does.
    func reset() {
        var linger = Foundation.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Foundation.linger>.size))
        shutdown(socket, Int32(SHUT_RDWR))
    }

    /// Sends `bytes` within `timeout`; false once the server has closed the connection or stopped reading.
    @discardableResult
    func send(_ bytes: [UInt8], timeout: Duration = .seconds(5)) async -> Bool {
        var sent = 0
        let deadline = ContinuousClock.now + timeout
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Foundation.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                sent += count
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                guard ContinuousClock.now < deadline else { return false }
                try? await Task.sleep(for: .milliseconds(10))
            } else {
                return false
            }
        }
        return true
    }

    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Reads until the server closes the connection or `timeout` passes; `closed` says which.
    func readUntilClosed(timeout: Duration) async -> (text: String, closed: Bool) {
        var received = [UInt8]()
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 {
                received += buffer[..<count]
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try? await Task.sleep(for: .milliseconds(10))
            } else {
                return (String(decoding: received, as: UTF8.self), true)
            }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
