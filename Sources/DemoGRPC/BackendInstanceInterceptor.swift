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
            response.metadata.replaceOrAddString(instanceName, forKey: Self.metadataKey)
            return response
        } catch var error as RPCError {
            error.metadata.replaceOrAddString(instanceName, forKey: Self.metadataKey)
            throw error
        }
    }
}
