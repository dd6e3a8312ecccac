import Hummingbird

/// Counts every answer by method, matched route pattern and status. It sits outside
/// `RequestMetadataMiddleware`, so it sees the final status of errors too.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    let metrics: APIMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context, status: APIError(error).status.code)
            throw error
        }
        record(request, context, status: response.status.code)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int) {
        // Hummingbird fills the pattern ("/services/{key}") once a route matches; "NotFound" otherwise.
        metrics.recordRequest(
            method: request.method.rawValue, route: context.endpointPath ?? "NotFound", status: status)
    }
}
