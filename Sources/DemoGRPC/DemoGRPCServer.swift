import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import ServiceLifecycle

/// The demo gRPC backend: UserService and the health service on plaintext HTTP/2, as a `Service`
/// of a ServiceGroup. It serves until a graceful shutdown (SIGTERM, SIGINT) or until its task is
/// cancelled; on graceful shutdown health turns NOT_SERVING and in-flight calls may finish.
public struct DemoGRPCServer: Service {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; `onListening` hears the real one.
        public var port: Int
        public var instanceName: String

        public init(host: String = "127.0.0.1", port: Int = 50051, instanceName: String = "grpc-1") {
            self.host = host
            self.port = port
            self.instanceName = instanceName
        }
    }

    /// Where the server listens once it has bound its socket.
    public struct ListeningAddress: Sendable, Hashable {
        public let host: String
        public let port: Int
    }

    /// The names Check answers SERVING for: the whole server ("") and the user service.
    static let healthCheckedServices = ["", "demo.user.v1.UserService"]

    let configuration: Configuration
    let onListening: @Sendable (ListeningAddress) async -> Void

    public init(
        configuration: Configuration, onListening: @escaping @Sendable (ListeningAddress) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.onListening = onListening
    }

    public func run() async throws {
        let address: GRPCNIOTransportCore.SocketAddress =
            configuration.host.contains(":")
            ? .ipv6(host: configuration.host, port: configuration.port)
            : .ipv4(host: configuration.host, port: configuration.port)
        let transport = HTTP2ServerTransport.Posix(
            address: address, transportSecurity: .plaintext, config: .defaults)
        let health = HealthStatusBoard(serving: Self.healthCheckedServices)
        let users = UserService(
            directory: UserDirectory(now: { Int64(Date().timeIntervalSince1970) }),
            instanceName: configuration.instanceName)
        let server = GRPCServer(
            transport: transport,
            services: [users, HealthService(board: health), ReflectionService(index: .embedded)],
            interceptors: [BackendInstanceInterceptor(instanceName: configuration.instanceName)])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let bound: GRPCNIOTransportCore.SocketAddress
            do {
                bound = try await transport.listeningAddress
            } catch {
                // serve() fails with the reason (say, the address is in use); report that, not this.
                try await group.waitForAll()
                throw error
            }
            let port = bound.ipv4?.port ?? bound.ipv6?.port ?? configuration.port
            await onListening(ListeningAddress(host: configuration.host, port: port))
            // Cancellation ends the group anyway; graceful shutdown lets in-flight calls finish.
            try? await gracefulShutdown()
            health.shutDown()
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
