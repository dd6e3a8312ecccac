import GRPCCore

/// grpc.health.v1.Health over a status board: Envoy's gRPC health checks call Check.
struct HealthService {
    let board: HealthStatusBoard
}

extension HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        let status = board.status(of: request.service)
        // The protocol answers NOT_FOUND, not a SERVICE_UNKNOWN status, to a Check for an unknown service.
        guard status != .serviceUnknown else {
            throw RPCError(code: .notFound, message: "unknown service \"\(request.service)\"")
        }
        return .with { $0.status = .init(status) }
    }

    func watch(
        request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        for await status in board.watch(request.service) {
            try await response.write(.with { $0.status = .init(status) })
        }
    }
}

extension Grpc_Health_V1_HealthCheckResponse.ServingStatus {
    init(_ status: HealthStatus) {
        switch status {
        case .unknown: self = .unknown
        case .serving: self = .serving
        case .notServing: self = .notServing
        case .serviceUnknown: self = .serviceUnknown
        }
    }
}

extension HealthStatus {
    init(_ status: Grpc_Health_V1_HealthCheckResponse.ServingStatus) {
        switch status {
        case .unknown, .UNRECOGNIZED: self = .unknown
        case .serving: self = .serving
        case .notServing: self = .notServing
        case .serviceUnknown: self = .serviceUnknown
        }
    }
}
