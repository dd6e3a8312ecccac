import Foundation
import GRPCCore

/// grpc.reflection.v1.ServerReflection over the embedded descriptors, so grpcurl can list and
/// describe the services without a local copy of the protos. Extensions are not used by these
/// protos, so extension queries find nothing.
struct ReflectionService {
    let index: DescriptorIndex
}

extension ReflectionService: Grpc_Reflection_V1_ServerReflection.SimpleServiceProtocol {
    func serverReflectionInfo(
        request: RPCAsyncSequence<Grpc_Reflection_V1_ServerReflectionRequest, any Error>,
        response: RPCWriter<Grpc_Reflection_V1_ServerReflectionResponse>,
        context: ServerContext
    ) async throws {
        for try await question in request {
            var answer = Grpc_Reflection_V1_ServerReflectionResponse()
            answer.validHost = question.host
            answer.originalRequest = question
            answer.messageResponse = self.answer(question.messageRequest)
            try await response.write(answer)
        }
    }

    private func answer(
        _ question: Grpc_Reflection_V1_ServerReflectionRequest.OneOf_MessageRequest?
    ) -> Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse {
        switch question {
        case .listServices:
            return .listServicesResponse(
                .with { list in list.service = index.serviceNames.map { name in .with { $0.name = name } } })
        case .fileByFilename(let name):
            return files(index.fileWithDependencies(named: name), missing: "no file named \"\(name)\"")
        case .fileContainingSymbol(let symbol):
            return files(index.fileWithDependencies(containing: symbol), missing: "no symbol \"\(symbol)\"")
        case .fileContainingExtension(let request):
            return error(.notFound, "no extension \(request.extensionNumber) of \"\(request.containingType)\"")
        case .allExtensionNumbersOfType(let type):
            guard index.hasSymbol(type) else { return error(.notFound, "no type \"\(type)\"") }
            return .allExtensionNumbersResponse(.with { $0.baseTypeName = type })
        case nil:
            return error(.invalidArgument, "message_request: one of its fields must be set")
        }
    }

    private func files(
        _ files: [Data]?, missing: String
    ) -> Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse {
        guard let files else { return error(.notFound, missing) }
        return .fileDescriptorResponse(.with { $0.fileDescriptorProto = files })
    }

    private func error(
        _ code: RPCError.Code, _ message: String
    ) -> Grpc_Reflection_V1_ServerReflectionResponse.OneOf_MessageResponse {
        .errorResponse(
            .with {
                $0.errorCode = Int32(code.rawValue)
                $0.errorMessage = message
            })
    }
}
