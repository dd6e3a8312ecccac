import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf
import Testing

@testable import DemoGRPC

@Suite("grpc.reflection.v1.ServerReflection")
struct ReflectionServiceTests {
    typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
    typealias Answer = Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse

    /// Asks each question on one stream and returns the answers in order.
    func ask(_ questions: [Request.OneOf_MessageRequest]) async throws -> [Answer?] {
        var answers: [Answer?] = []
        try await withRawClient { client in
            let reflection = Grpc_Reflection_V1_ServerReflection.Client(wrapping: client)
            answers = try await reflection.serverReflectionInfo(
                requestProducer: { writer in
                    for question in questions {
                        var request = Request()
                        request.messageRequest = question
                        try await writer.write(request)
                    }
                },
                onResponse: { response in
                    var answers: [Answer?] = []
                    for try await message in response.messages { answers.append(message.messageResponse) }
                    return answers
                })
        }
        return answers
    }

    func fileNames(_ answer: Answer?) throws -> [String] {
        guard case .fileDescriptorResponse(let files) = answer else { return [] }
        return try files.fileDescriptorProto.map { try Google_Protobuf_FileDescriptorProto(serializedBytes: $0).name }
    }

    @Test("list_services names the user, health and reflection services")
    func listServices() async throws {
        let answers = try await ask([.listServices("*")])
        guard case .listServicesResponse(let list) = answers.first else {
            Issue.record("expected a list_services_response, got \(String(describing: answers.first))")
            return
        }
        #expect(
            list.service.map(\.name) == [
                "demo.user.v1.UserService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
            ])
    }

    @Test("file_containing_symbol finds the file of a service, a method and a message; file_by_filename by name")
    func filesBySymbolAndName() async throws {
        let answers = try await ask([
            .fileContainingSymbol("demo.user.v1.UserService"),
            .fileContainingSymbol("demo.user.v1.UserService.Chat"),
            .fileContainingSymbol("grpc.health.v1.HealthCheckResponse.ServingStatus"),
            .fileByFilename("demo/user/v1/user_service.proto"),
        ])
        #expect(
            try answers.map(fileNames) == [
                ["demo/user/v1/user_service.proto"], ["demo/user/v1/user_service.proto"],
                ["grpc/health/v1/health.proto"], ["demo/user/v1/user_service.proto"],
            ])
    }

    @Test("an unknown symbol or file is an error_response with NOT_FOUND, and the stream goes on")
    func unknownSymbol() async throws {
        let answers = try await ask([
            .fileContainingSymbol("demo.Nope"), .fileByFilename("nope.proto"), .listServices(""),
        ])
        for answer in answers.prefix(2) {
            guard case .errorResponse(let error) = answer else {
                Issue.record("expected an error_response, got \(String(describing: answer))")
                continue
            }
            #expect(error.errorCode == 5)
        }
        guard case .listServicesResponse = answers.last else {
            Issue.record("the stream stopped after an error")
            return
        }
    }
}
