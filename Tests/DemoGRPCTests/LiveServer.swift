import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

@testable import DemoGRPC

/// Runs the real server on 127.0.0.1 and a free port for the length of `body`, then cancels it.
func withLiveServer(
    instanceName: String = "grpc-test", _ body: (_ port: Int) async throws -> Void
) async throws {
    let (ports, reported) = AsyncStream.makeStream(of: Int.self)
    let server = DemoGRPCServer(configuration: .init(host: "127.0.0.1", port: 0, instanceName: instanceName)) {
        reported.yield($0.port)
    }
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port)
        group.cancelAll()
    }
}

/// The live server with the public client connected to it.
func withLiveClient(
    instanceName: String = "grpc-test", _ body: (DemoUserClient) async throws -> Void
) async throws {
    try await withLiveServer(instanceName: instanceName) { port in
        try await DemoUserClient.connect(host: "127.0.0.1", port: port, body)
    }
}

/// The live server with a raw generated client, for what the public client does not expose.
func withRawClient(
    _ body: (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Void
) async throws {
    try await withLiveServer { port in
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        try await withGRPCClient(transport: transport) { try await body($0) }
    }
}

/// The error a call threw, as the public client reports it.
func callError(_ call: () async throws -> some Any) async -> DemoCallError? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error as? DemoCallError
    }
}
