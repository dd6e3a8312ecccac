import Foundation
import HTTPTypes
import Hummingbird
import LogbookCore

/// `GET /status`, `GET /healthz`, `GET /readyz`, `GET /metrics`, `GET /openapi.json`.
struct StatusController {
    let logbook: Logbook
    let buildVersion: String
    let metrics: APIMetrics
    /// The OpenAPI document's bytes (`OpenAPIDocument.json()`), read before the server starts.
    let openAPI: Data
    /// When the API was built, for uptime; a monotonic clock so a clock change cannot make it negative.
    let started: ContinuousClock.Instant

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.get("status", use: status)
        routes.get("healthz", use: healthz)
        routes.get("readyz", use: readyz)
        routes.get("metrics", use: prometheus)
        routes.get("openapi.json", use: openAPI)
        return routes
    }

    struct Status: Encodable {
        struct Counts: Encodable {
            let services: Int
            let routes: Int
            let proxies: Int
            let events: UInt64
        }

        let head: UInt64
        let version: UInt64
        let counts: Counts
        let uptimeSeconds: Double
        let buildVersion: String

        enum CodingKeys: String, CodingKey {
            case head, version, counts
            case uptimeSeconds = "uptime_seconds"
            case buildVersion = "build_version"
        }
    }

    @Sendable func status(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let state = logbook.state
        let uptime = ContinuousClock.now - started
        let seconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        let status = Status(
            head: state.head, version: state.version,
            counts: .init(
                services: state.services.count, routes: state.routes.count, proxies: state.proxies.count,
                events: state.head),
            uptimeSeconds: (seconds * 1000).rounded() / 1000, buildVersion: buildVersion)
        return JSONAnswer.response(.ok, status, headers: [.eTag: Mutation.etag(state.version)])
    }

    @Sendable func healthz(_ request: Request, context: AdminRequestContext) async throws -> Response {
        JSONAnswer.response(.ok, ["status": "ok"])
    }

    /// Ready once the log is open and projected (the Logbook exists only after its first fold),
    /// while the log still reads, and while writes succeed: after a failed write (a full disk)
    /// it answers 503 naming the cause until a write succeeds again. Reads, `/events` and xDS
    /// keep serving the last durable configuration meanwhile; only changes fail.
    @Sendable func readyz(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let state = logbook.state
        do {
            if state.head > 0 { _ = try logbook.store.envelope(at: state.head) }
        } catch {
            throw APIError(.serviceUnavailable, code: "unavailable", "the event log cannot be read: \(error)")
        }
        if let failure = logbook.store.lastWriteFailure {
            throw APIError(
                .serviceUnavailable, code: "writes_failing",
                "writes to the event log fail: \(failure.message); reads and xDS still serve version \(state.version)")
        }
        return JSONAnswer.response(.ok, ["status": "ready", "head": "\(state.head)", "version": "\(state.version)"])
    }

    /// Prometheus text. Head and version are read at scrape time, so they are right even when
    /// events arrived another way (the CLI on a stopped server, `serve --config`).
    @Sendable func prometheus(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let state = logbook.state
        metrics.recordPosition(head: state.head, version: state.version)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
    }

    @Sendable func openAPI(_ request: Request, context: AdminRequestContext) async throws -> Response {
        JSONAnswer.response(.ok, json: openAPI)
    }
}
