import GRPCCore

/// Puts `x-backend-instance: <instance name>` on every response, so a caller behind Envoy can see
/// which backend answered. Accepted calls carry it in the initial metadata; refused calls in the
/// metadata of the error (a trailers-only response), so it arrives with NOT_FOUND and the like too.
struct BackendInstanceInterceptor: ServerInterceptor {
    static let metadataKey = "x-backend-instance"

    let instanceName: String

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        do {
            var response = try await next(request, context)
            switch response.accepted {
            case .success(var contents):
                contents.metadata.replaceOrAddString(instanceName, forKey: Self.metadataKey)
                // A streaming handler may still refuse the call from inside the producer; with no
                // message written that is a trailers-only response, so the error must carry it too.
                let producer = contents.producer
                contents.producer = { [instanceName] writer in
                    do {
                        return try await producer(writer)
                    } catch var error as RPCError {
                        error.metadata.replaceOrAddString(instanceName, forKey: Self.metadataKey)
                        throw error
                    }
                }
                response.accepted = .success(contents)
            case .failure(var error):
                error.metadata.replaceOrAddString(instanceName, forKey: Self.metadataKey)
                response.accepted = .failure(error)
            }
            return response
        } catch var error as RPCError {
            error.metadata.replaceOrAddString(instanceName, forKey: Self.metadataKey)
            throw error
        }
    }
}
