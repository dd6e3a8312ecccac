import Hummingbird

/// Stamps `x-backend-instance` on every answer, errors and unknown paths included, so a test
/// behind a load balancer can see which backend answered. It also turns any thrown error into
/// the GraphQL error shape, so it sees, and stamps, the final response.
struct InstanceHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    let instanceName: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let refusal = GraphQLRequestError(error)
            if refusal.status == .internalServerError {
                context.logger.error("unmapped error: \(String(describing: error))")
            }
            response = refusal.response()
        }
        response.headers[BackendInstanceHeader.name] = instanceName
        return response
    }
}

/// The header that names the answering backend.
enum BackendInstanceHeader {
    // HTTPFields.Element is HTTPTypes' HTTPField, which Hummingbird does not re-export by name.
    static let name = HTTPFields.Element.Name("x-backend-instance")!
}
