import Gateway
import Hummingbird
import LogbookCore

/// `/proxies`: the shared resource routes, a list that adds each proxy's live status, and
/// per proxy its history and pin.
struct ProxyController {
    let logbook: Logbook
    let metrics: APIMetrics
    let resources: ResourceController<ProxyKind>

    init(logbook: Logbook, metrics: APIMetrics) {
        self.logbook = logbook
        self.metrics = metrics
        resources = ResourceController(logbook: logbook, createPath: "register", metrics: metrics)
    }

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.get(use: list)
        resources.addItemRoutes(to: routes)
        routes.get(":key/history", use: history)
        routes.post(":key/pin", use: pin)
        routes.delete(":key/pin", use: unpin)
        return routes
    }

    /// Registered proxies sorted by key, paged like every resource list, each with its status;
    /// the first page (no cursor) also lists the nodes that connected unregistered. The ETag is
    /// the configuration version: status is live and moves without it.
    @Sendable func list(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        let limit = try query.limit(max: APILimits.maxResourcePage)
        let cursor = query.string("cursor")
        let state = logbook.state
        let board = try logbook.proxyStatus()
        let directory = NodeDirectory(board: board, state: state)
        let page = ResourcePage(
            ProxyKind.plural, sorted: resources.sorted.resources(in: state), key: ProxyKind.key(of:), cursor: cursor,
            limit: limit, version: state.version
        ).map { proxy in
            let pinned = state.pins[proxy.key]
            if let id = proxy.id {
                return ProxyListItem(
                    proxy: proxy, status: .node(NodeStatusAnswer(board.nodes[id], pinnedVersion: pinned)))
            }
            var fleet = directory.fleets[proxy.key] ?? FleetStatusAnswer()
            fleet.pinnedVersion = pinned
            return ProxyListItem(proxy: proxy, status: .fleet(fleet))
        }
        let unregistered =
            cursor != nil
            ? []
            : directory.unregistered.map {
                UnregisteredNode(id: $0.id, status: NodeStatusAnswer($0, pinnedVersion: nil))
            }
        return JSONAnswer.response(
            .ok, ProxyListAnswer(page: page, unregistered: unregistered),
            headers: [.eTag: Mutation.etag(state.version)])
    }

    /// One node's connections, versions run and rejections, newest first; `limit` bounds each list.
    @Sendable func history(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let node = try context.pathParameter("key")
        let limit = try QueryParameters(request).limit() ?? 100
        let history = try logbook.proxyHistory(node: node)
        // A registered proxy that never connected has an empty history; a fleet has none of its own.
        let key = ProxyKey(node)
        if history.isEmpty && logbook.state.proxies[key]?.id == nil {
            var hint = ""
            if case .fleet = key { hint = "; a fleet's members each have their own history under their node id" }
            throw APIError(
                .notFound, code: "not_found", field: "id", "node '\(node)' has never connected\(hint)")
        }
        return JSONAnswer.response(.ok, ProxyHistoryAnswer(history, limit: limit))
    }

    struct PinRequest: Decodable {
        let version: UInt64

        enum CodingKeys: String, CodingKey { case version }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            version = try decoder.container(keyedBy: CodingKeys.self).decodeVersion(forKey: .version)
        }
    }

    /// Appends ProxyPinned: the proxy or fleet is served exactly version `version` until unpinned.
    @Sendable func pin(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = ProxyKey(try context.pathParameter("key"))
        let body = try await RequestBody.read(request, context: context)
        let pin = try body.decode(PinRequest.self)
        let guards = try Mutation.context(request, context: context, body: body)
        let result = try await metrics.timingMutation {
            try await logbook.pin(key, to: pin.version, context: guards)
        }
        return Mutation.response(result)
    }

    /// Appends ProxyUnpinned: the proxy or fleet follows the current configuration again.
    @Sendable func unpin(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let key = ProxyKey(try context.pathParameter("key"))
        let guards = try Mutation.context(request, context: context)
        return Mutation.response(try await logbook.execute(.unpinProxy(key: key), context: guards, metrics: metrics))
    }
}
