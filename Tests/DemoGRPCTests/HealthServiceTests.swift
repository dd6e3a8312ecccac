import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

@testable import DemoGRPC

@Suite("grpc.health.v1.Health")
struct HealthServiceTests {
    @Test("Check answers SERVING for the whole server and for demo.user.v1.UserService")
    func checkKnownServices() async throws {
        try await withLiveClient { client in
            let server = try await client.healthCheck(service: "")
            #expect(server.value == .serving)
            #expect(server.instanceName == "grpc-test")
            #expect(try await client.healthCheck(service: "demo.user.v1.UserService").value == .serving)
        }
    }

    @Test("Check for an unknown service is NOT_FOUND")
    func checkUnknownService() async throws {
        try await withLiveClient { client in
            let error = try #require(await callError { try await client.healthCheck(service: "demo.Nope") })
            #expect(error.code == "NOT_FOUND")
            #expect(error.message.contains("demo.Nope"))
            #expect(error.instanceName == "grpc-test")
        }
    }

    @Test("Watch sends the current status first: SERVING, or SERVICE_UNKNOWN for an unknown service")
    func watch() async throws {
        try await withRawClient { client in
            let health = Grpc_Health_V1_Health.Client(wrapping: client)
            for (service, expected) in [("", HealthStatus.serving), ("demo.Nope", .serviceUnknown)] {
                var request = Grpc_Health_V1_HealthCheckRequest()
                request.service = service
                // Watch never ends on its own; leaving onResponse after the first message cancels it.
                let first = try await health.watch(request) { response in
                    #expect(response.metadata[stringValues: "x-backend-instance"].map { $0 } == ["grpc-test"])
                    for try await message in response.messages { return HealthStatus(message.status) }
                    return HealthStatus.unknown
                }
                #expect(first == expected)
            }
        }
    }

    @Test("shutting the board down tells watchers NOT_SERVING and ends their streams")
    func shutDownEndsWatches() async {
        let board = HealthStatusBoard(serving: ["", "demo.user.v1.UserService"])
        let watch = board.watch("demo.user.v1.UserService")
        board.shutDown()
        var seen: [HealthStatus] = []
        for await status in watch { seen.append(status) }
        #expect(seen == [.serving, .notServing])
        #expect(board.status(of: "") == .notServing)
        // A watch that starts after shutdown hears the status once and ends.
        var late: [HealthStatus] = []
        for await status in board.watch("") { late.append(status) }
        #expect(late == [.notServing])
    }
}
