import HTTPTypes
import Hummingbird

/// Turns every error, including the router's "no such endpoint", into the JSON error shape and stamps
/// every answer with `x-backend-instance`, so traffic tests can see which instance Envoy picked.
struct BackendResponseMiddleware<Context: RequestContext>: RouterMiddleware {
    let instanceName: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let answer = BackendError(error)
            if answer.status == .internalServerError {
                context.logger.error("unmapped error: \(String(describing: error))")
            }
            response = answer.response()
        }
        response.headers[.backendInstance] = instanceName
        return response
    }
}

extension HTTPField.Name {
    public static var backendInstance: Self { .init("x-backend-instance")! }
}
