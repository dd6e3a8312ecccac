import AdminAPI
import Foundation
import Testing

/// Slow, idle, oversized and malformed clients: each is answered or closed, none is held.
@Suite("connection limits on a real socket")
struct ConnectionLimitTests {
    /// Short enough for a test, long enough for a loaded 2-core machine to answer within them.
    static let short = ConnectionLimits(
        requestHeadTimeout: .seconds(1), requestBodyTimeout: .seconds(2), idleTimeout: .seconds(3),
        maxConnections: 64)

    @Test("a request head sent a byte at a time is closed after the head timeout, with no answer")
    func slowloris() async throws {
        try await withLiveServer(limits: Self.short) { port, _ in
            let connection = try RawHTTPConnection(port: port)
            let started = ContinuousClock.now
            var open = true
            for byte in "GET /status HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8 where open {
                open = await connection.send([byte])
                try await Task.sleep(for: .milliseconds(100))
                if !open || ContinuousClock.now - started > .seconds(8) { break }
            }
            let (text, closed) = await connection.readUntilClosed(timeout: .seconds(5))
            #expect(closed, "the server kept a slowloris connection open")
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(!text.contains("200 OK"))
        }
    }

    @Test("an idle connection is closed after the idle timeout; a prompt one is served")
    func idle() async throws {
        try await withLiveServer(limits: Self.short) { port, _ in
            let idle = try RawHTTPConnection(port: port)
            let (_, closed) = await idle.readUntilClosed(timeout: .seconds(8))
            #expect(closed, "an idle connection stayed open past the idle timeout")
            let prompt = try RawHTTPConnection(port: port)
            #expect(await prompt.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            #expect(await prompt.readUntilClosed(timeout: .seconds(3)).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("a body that stops arriving is closed after the body timeout")
    func slowBody() async throws {
        try await withLiveServer(limits: Self.short) { port, harness in
            let connection = try RawHTTPConnection(port: port)
            #expect(
                await connection.send(
                    "POST /services/add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"name\""))
            let (_, closed) = await connection.readUntilClosed(timeout: .seconds(8))
            #expect(closed)
            #expect(harness.head == 0)
        }
    }

    @Test(
        "malformed chunked framing and unknown transfer codings are 400s that close the connection",
        arguments: [
            "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
            "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
            "Transfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        ])
    func malformedChunks(framing: String) async throws {
        try await withLiveServer(limits: Self.short) { port, harness in
            let connection = try RawHTTPConnection(port: port)
            #expect(
                await connection.send(
                    "POST /services/add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + framing))
            let (text, closed) = await connection.readUntilClosed(timeout: .seconds(4))
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(framing.prefix(40).debugDescription): \(text)")
            #expect(!text.contains(" 500 "))
            #expect(closed)
            #expect(harness.head == 0)
        }
    }

    @Test("a body over 1 MiB is answered 413 and the connection closed without reading the rest")
    func oversizedBodyCloses() async throws {
        try await withLiveServer(limits: Self.short) { port, harness in
            let connection = try RawHTTPConnection(port: port)
            // Announces 100 MB but sends only 2 MiB: the answer must not wait for the rest.
            #expect(
                await connection.send(
                    "POST /services/add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000000\r\n\r\n"))
            await connection.send([UInt8](repeating: 0x20, count: 2 << 20), timeout: .seconds(2))
            let (text, closed) = await connection.readUntilClosed(timeout: .seconds(4))
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text.prefix(200))")
            #expect(text.lowercased().contains("connection: close"))
            #expect(closed)
            #expect(harness.head == 0)
        }
    }

    @Test("past the connection cap, new connections wait in the backlog and are served once others close")
    func connectionCap() async throws {
        let limits = ConnectionLimits(
            requestHeadTimeout: .seconds(5), requestBodyTimeout: .seconds(5), idleTimeout: .seconds(30),
            maxConnections: 4)
        try await withLiveServer(limits: limits) { port, _ in
            var held = try (0..<4).map { _ in try RawHTTPConnection(port: port) }
            // Let the server accept the four before the fifth arrives.
            try await Task.sleep(for: .milliseconds(300))
            let waiting = try RawHTTPConnection(port: port)
            #expect(await waiting.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            #expect(await waiting.readUntilClosed(timeout: .milliseconds(700)).text.isEmpty, "served past the cap")
            held.removeAll()
            #expect(await waiting.readUntilClosed(timeout: .seconds(3)).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("an error quoting a 900 KB value is short")
    func longInputShortError() async throws {
        try await withAPI { client, harness in
            let name = String(repeating: "a", count: 900_000)
            let response = try await expectRejected(
                client, harness, .post, "/services/add", json: Fixture.service(name), status: .badRequest)
            #expect(response.body.readableBytes < 2048, "an error answer of \(response.body.readableBytes) bytes")
        }
    }
}

extension ConnectionLimitTests {
    @Test("a client that resets mid-body gets no 500: it is a lost connection, not a server fault")
    func resetMidBody() async throws {
        try await withLiveServer(limits: Self.short) { port, harness in
            for _ in 0..<5 {
                let connection = try RawHTTPConnection(port: port)
                #expect(
                    await connection.send(
                        "POST /services/add HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 1000\r\n\r\n{\"name\""))
                connection.reset()
            }
            // The server is unharmed and appended nothing.
            let prompt = try RawHTTPConnection(port: port)
            #expect(await prompt.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            #expect(await prompt.readUntilClosed(timeout: .seconds(3)).text.hasPrefix("HTTP/1.1 200"))
            #expect(harness.head == 0)
        }
    }
}
