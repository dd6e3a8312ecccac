import GRPCCore
import GRPCNIOTransportHTTP2
import ServiceLifecycle
import XDS

/// The gRPC server that carries ADS, as a service of the process's ServiceGroup.
struct XDSServer: Service {
    let host: String
    let port: Int
    let service: AggregatedDiscoveryService
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        // Envoy keeps one ADS stream per connection; thousands of connections is the normal case.
        config.http2.maxConcurrentStreams = 16
        // Find half-open connections (a proxy host that vanished) in under a minute, not two hours.
        config.connection.keepalive.time = .seconds(30)
        config.connection.keepalive.timeout = .seconds(10)
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: host, port: port), transportSecurity: .plaintext, config: config)
        let server = GRPCServer(transport: transport, services: [service])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            if let bound = try await transport.listeningAddress.ipv4?.port {
                await onListening(bound)
            }
            try await gracefulShutdown()
            server.beginGracefulShutdown()
        }
    }
}
