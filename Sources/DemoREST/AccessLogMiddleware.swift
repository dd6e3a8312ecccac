import Hummingbird
import Logging

/// One log line per request (method, path, status), written after the answer is final.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            logger.info("\(request.method) \(request.uri.path) \(response.status.code)")
            return response
        } catch {
            // The response middleware inside maps every error; this only keeps the line if that changes.
            logger.info("\(request.method) \(request.uri.path) error: \(String(describing: error))")
            throw error
        }
    }
}
