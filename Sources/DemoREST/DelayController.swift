import Hummingbird
import ServiceLifecycle

/// Test support for the gateway's traffic tests, mounted at `/api`:
///
/// `GET /api/delay?ms=N` waits N milliseconds (0...30000; anything else, or no `ms`, is 400) and then
/// answers `{"slept_ms":N}`. Route timeouts and circuit breaking are tested against it: a request that
/// takes longer than Envoy's timeout must come back as Envoy's 504, not this answer.
struct DelayController<Context: RequestContext>: Sendable {
    static var maxMilliseconds: Int { 30_000 }

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("delay", use: delay)
    }

    @Sendable func delay(_ request: Request, context: Context) async throws -> JSONBody<Slept> {
        let query = QueryValues(request)
        guard let milliseconds = try query.integer("ms", in: 0...Self.maxMilliseconds) else {
            throw BackendError.badRequest(field: "ms", "is required: an integer from 0 to \(Self.maxMilliseconds)")
        }
        // A stopping server does not wait out a long delay: the sleep ends early and answers 503 "cancelled".
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .milliseconds(milliseconds))
        }
        return JSONBody(Slept(sleptMilliseconds: milliseconds))
    }
}

struct Slept: Codable, Sendable {
    var sleptMilliseconds: Int

    enum CodingKeys: String, CodingKey {
        case sleptMilliseconds = "slept_ms"
    }
}
