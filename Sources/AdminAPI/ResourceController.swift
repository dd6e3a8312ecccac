import Gateway
import HTTPTypes
import Hummingbird
import LogbookCore

/// `GET /<kind>`, `POST /<kind>/<createPath>`, and `GET|PUT|DELETE /<kind>/{key}`.
struct ResourceController<Kind: ResourceKind> {
    let logbook: Logbook
    /// `add` for services and routes, `register` for proxies (the seed's paths).
    let createPath: String
    let metrics: APIMetrics
    /// Sorting ten thousand resources on every page read would dominate `GET` latency.
    let sorted = SortedResources<Kind>()

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.get(use: list)
        addItemRoutes(to: routes)
        return routes
    }

    /// Create, show, replace and remove: every route but the list, for a kind that lists its own way.
    func addItemRoutes(to routes: RouteCollection<AdminRequestContext>) {
        routes.post(RouterPath(stringLiteral: createPath), use: create)
        routes.get(":key", use: show)
        routes.put(":key", use: replace)
        routes.delete(":key", use: remove)
    }

    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        let limit = try query.limit(max: APILimits.maxResourcePage)
        let state = logbook.state
        let page = ResourcePage(
            Kind.plural, sorted: sorted.resources(in: state), key: Kind.key(of:), cursor: query.string("cursor"),
            limit: limit, version: state.version)
        return JSONAnswer.response(.ok, page, headers: [.eTag: Mutation.etag(state.version)])
    }

    @Sendable func show(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try context.pathParameter("key")
        let state = logbook.state
        guard let resource = Kind.find(key, in: state) else {
            throw APIError(
                .notFound, code: "not_found", field: Kind.singular, "\(Kind.singular) '\(key)' does not exist")
        }
        return JSONAnswer.response(.ok, resource, headers: [.eTag: Mutation.etag(state.version)])
    }

    @Sendable func create(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await RequestBody.read(request, context: context)
        let resource = try body.decode(Kind.Resource.self)
        let guards = try Mutation.context(request, context: context, body: body)
        let result = try await logbook.execute(Kind.create(resource), context: guards, metrics: metrics)
        return Mutation.response(result, created: true)
    }

    /// PUT replaces the whole resource; the body's key must be the path's.
    @Sendable func replace(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try context.pathParameter("key")
        let body = try await RequestBody.read(request, context: context)
        let resource = try body.decode(Kind.Resource.self)
        guard Kind.key(of: resource) == key else {
            throw APIError.badRequest(
                field: Kind.keyField,
                "the body describes '\(Kind.key(of: resource))' but the path names '\(key)'")
        }
        let guards = try Mutation.context(request, context: context, body: body)
        return Mutation.response(try await logbook.execute(Kind.replace(resource), context: guards, metrics: metrics))
    }

    @Sendable func remove(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = try context.pathParameter("key")
        let guards = try Mutation.context(request, context: context)
        return Mutation.response(try await logbook.execute(Kind.remove(key), context: guards, metrics: metrics))
    }
}
