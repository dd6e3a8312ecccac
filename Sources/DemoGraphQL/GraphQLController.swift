import Foundation
import Hummingbird

/// `POST /graphql` executes any operation, `GET /graphql?query=` executes reads, bare
/// `GET /graphql` serves the playground, and `GET /health` says the process is up.
struct GraphQLController<Context: RequestContext>: Sendable {
    let executor: GraphQLExecutor
    let instanceName: String

    var endpoints: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.post("graphql", use: post)
        routes.get("graphql", use: get)
        routes.get("health", use: health)
        return routes
    }

    @Sendable func post(request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: GraphQLLimits.maxBodyBytes)
        let graphQLRequest = try GraphQLRequestReader.read(json: Data(buffer: body))
        return Self.answer(await executor.run(graphQLRequest, allowMutations: true))
    }

    @Sendable func get(request: Request, context: Context) async throws -> Response {
        guard let graphQLRequest = try GraphQLRequestReader.read(queryString: request.uri.query) else {
            return PlaygroundPage.response()
        }
        // GET must be safe to repeat and cache, so it never changes anything.
        return Self.answer(await executor.run(graphQLRequest, allowMutations: false))
    }

    @Sendable func health(request: Request, context: Context) async throws -> Response {
        let body = try JSONEncoder().encode(["status": "ok", "instance": instanceName])
        return JSONResponse.make(.ok, body)
    }

    /// Execution errors are still a 200 (the spec's `application/json` behaviour); a query
    /// that does not parse is a 400, a mutation over GET a 405.
    static func answer(_ outcome: GraphQLExecutor.Outcome) -> Response {
        switch outcome {
        case .executed(let result):
            JSONResponse.make(.ok, GraphQLResponseBody(executed: result).json())
        case .invalid(let errors):
            JSONResponse.make(.ok, GraphQLResponseBody(errors: errors).json())
        case .syntaxError(let error):
            JSONResponse.make(.badRequest, GraphQLResponseBody(errors: [error]).json())
        case .mutationNotAllowed(let error):
            JSONResponse.make(.methodNotAllowed, GraphQLResponseBody(errors: [error]).json(), headers: [.allow: "POST"])
        }
    }
}
