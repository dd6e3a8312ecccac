import Hummingbird

/// Counts each request in the ledger and, when the ledger says so, answers it with an injected 503
/// instead of running the handler: the failure Envoy's retry policy is tested against.
struct RequestLedgerMiddleware<Context: RequestContext>: RouterMiddleware {
    let ledger: RequestLedger

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if ledger.record(path: request.uri.path) {
            throw BackendError(
                .serviceUnavailable, code: "injected_failure",
                "failure injected by --fail-every \(ledger.failEvery); the next request will succeed")
        }
        return try await next(request, context)
    }
}
