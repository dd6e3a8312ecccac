import Hummingbird

/// About this instance rather than the inventory: liveness and what it has been asked.
struct InstanceController<Context: RequestContext>: Sendable {
    let instanceName: String
    let ledger: RequestLedger

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("health", use: health)
            .get("debug/requests", use: requests)
    }

    /// `{"status":"ok","instance":"rest-1"}`; never subject to `--fail-every`, so Envoy's health checks
    /// keep the instance in rotation while its API fails on purpose.
    @Sendable func health(_ request: Request, context: Context) async throws -> JSONBody<Health> {
        JSONBody(Health(status: "ok", instance: instanceName))
    }

    /// `{"instance":"rest-1","total":N,"paths":{"/api/products":3}}`: every request this instance received
    /// except `/health` and `/debug/*`, so a test can prove that mirrored traffic reached a shadow instance.
    @Sendable func requests(_ request: Request, context: Context) async throws -> JSONBody<RequestCounts> {
        let counts = ledger.snapshot()
        return JSONBody(RequestCounts(instance: instanceName, total: counts.total, paths: counts.paths))
    }
}

struct Health: Codable, Sendable {
    var status: String
    var instance: String
}

struct RequestCounts: Codable, Sendable {
    var instance: String
    var total: Int
    var paths: [String: Int]
}
