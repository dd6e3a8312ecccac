import EventLog
import Foundation
import Gateway
import Hummingbird
import LogbookCore

/// `POST /config/reload`, `POST /config/rollback`, and the Envoy configuration a node is
/// served at a version (`GET /config`) or was running at a time (`GET /config/at`).
struct ConfigController {
    let logbook: Logbook
    let configPath: String?
    let metrics: APIMetrics
    /// Renders Envoy resources; nil when this process runs no xDS side (the GETs answer 503).
    let envoyConfig: (any EnvoyConfigSource)?

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.post("reload", use: reload)
        routes.post("rollback", use: rollback)
        routes.get(use: config)
        routes.get("at", use: configAt)
        return routes
    }

    struct Planned: Encodable {
        struct Event: Encodable {
            let type: String
            let summary: String
        }

        let dryRun = true
        let events: [Event]
        let version: UInt64
        let head: UInt64
        let changed: Bool

        enum CodingKeys: String, CodingKey {
            case dryRun = "dry_run"
            case events, version, head, changed
        }
    }

    /// Re-reads the file the server was started with and appends only the differences.
    @Sendable func reload(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let dryRun = try QueryParameters(request).bool("dry_run")
        // A reload takes no body; one that arrives is still bounded and must be JSON.
        let body = try await RequestBody.read(request, context: context)
        guard let configPath else {
            throw APIError(
                .conflict, code: "not_configured", field: "config",
                "the server was started without --config, so there is no file to reload")
        }
        let file = try DeclarativeFile(path: configPath)
        let command = GatewayCommand.applyDeclarative(file.config, sourceHash: file.sourceHash)
        if dryRun {
            let state = logbook.state
            let events = try logbook.plan(command)
            let planned = Planned(
                events: events.map { .init(type: $0.type, summary: $0.summary) }, version: state.version,
                head: state.head, changed: !events.isEmpty)
            return JSONAnswer.response(.ok, planned, headers: [.eTag: Mutation.etag(state.version)])
        }
        let guards = try Mutation.context(request, context: context, body: body)
        return Mutation.response(try await logbook.execute(command, context: guards, metrics: metrics))
    }

    struct RollbackRequest: Decodable {
        let version: UInt64
        let reason: String

        enum CodingKeys: String, CodingKey { case version, reason }

        init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            version = try container.decodeVersion(forKey: .version)
            reason = try container.decode(String.self, forKey: .reason)
        }
    }

    /// Appends ConfigRolledBack: services and routes return to the version's.
    @Sendable func rollback(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let body = try await RequestBody.read(request, context: context)
        let rollback = try body.decode(RollbackRequest.self)
        let guards = try Mutation.context(request, context: context, body: body)
        let result = try await metrics.timingMutation {
            try await logbook.rollback(to: rollback.version, reason: rollback.reason, context: guards)
        }
        return Mutation.response(result)
    }
}

extension ConfigController {
    /// The framing of a rendered configuration; `resources` is spliced in as the source wrote it.
    struct RenderedHeader: Encodable {
        let version: UInt64
        let node: String
        /// For `/config/at`: the time asked about and the run of `version` that covers it.
        let time: String?
        let from: String?
        let until: String?
        let atTime: Bool

        enum CodingKeys: String, CodingKey { case version, node, time, from, until }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(node, forKey: .node)
            guard atTime else { return }
            try container.encode(time, forKey: .time)
            try container.encode(from, forKey: .from)
            try container.encode(until, forKey: .until)
        }
    }

    /// `?version=V&node=ID`: what node ID is served at version V (any version up to the head).
    @Sendable func config(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        guard let version = try query.sequence("version") else {
            throw APIError.badRequest(field: "version", "is required: a configuration version (GET /versions)")
        }
        let node = try Self.node(query)
        let head = logbook.store.head
        guard version <= head else {
            throw APIError(
                .notFound, code: "not_found", field: "version",
                "version \(version) does not exist; the log ends at \(head)")
        }
        let resources = try render(version: version, node: node)
        let header = RenderedHeader(version: version, node: node, time: nil, from: nil, until: nil, atTime: false)
        return JSONAnswer.response(.ok, json: JSONAnswer.object(header, adding: "resources", raw: resources))
    }

    /// `?time=T&node=ID`: what node ID was running at T, by its recorded ACKs (ProxyHistory).
    @Sendable func configAt(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        guard let time = try query.time("time") else {
            throw APIError.badRequest(field: "time", "is required: ISO 8601 (2026-11-27T14:02:00Z) or an age (15m)")
        }
        let node = try Self.node(query)
        let history = try logbook.proxyHistory(node: node)
        guard !history.isEmpty else {
            throw APIError(.notFound, code: "not_found", field: "node", "node '\(node)' has never connected")
        }
        let when = Timestamp.iso8601(milliseconds: time)
        guard let run = history.run(at: time) else {
            throw APIError(
                .notFound, code: "not_found", field: "time",
                "node '\(node)' was running no acknowledged version at \(when): "
                    + "it was not connected, or had not acknowledged anything yet")
        }
        guard let version = run.configurationVersion, version <= logbook.store.head else {
            throw APIError(
                .notFound, code: "not_found", field: "time",
                "node '\(node)' was running version '\(run.version)' at \(when), which names no configuration version")
        }
        let resources = try render(version: version, node: node)
        let header = RenderedHeader(
            version: version, node: node, time: when, from: Timestamp.iso8601(milliseconds: run.from),
            until: run.until.map(Timestamp.iso8601), atTime: true)
        return JSONAnswer.response(.ok, json: JSONAnswer.object(header, adding: "resources", raw: resources))
    }

    private static func node(_ query: QueryParameters) throws -> String {
        guard let node = query.string("node") else {
            throw APIError.badRequest(field: "node", "is required: an Envoy node id")
        }
        guard node.utf8.count <= ProxyObservation.maxNodeBytes else {
            throw APIError.badRequest(field: "node", "is longer than \(ProxyObservation.maxNodeBytes) bytes")
        }
        return node
    }

    private func render(version: UInt64, node: String) throws -> Data {
        guard let envoyConfig else {
            throw APIError(
                .serviceUnavailable, code: "unavailable",
                "Envoy configuration is rendered by the xDS server, and this process runs none")
        }
        let data: Data
        do {
            data = try envoyConfig.configJSON(version: version, node: node)
        } catch let error as APIError {
            throw error
        } catch let error as LogbookError {
            throw error
        } catch {
            throw APIError(
                .serviceUnavailable, code: "unavailable",
                "the xDS side could not render version \(version) for node '\(node)': \(error)")
        }
        guard data.first(where: { !Self.whitespace.contains($0) }) == UInt8(ascii: "{") else {
            throw APIError(
                .serviceUnavailable, code: "unavailable",
                "the xDS side rendered version \(version) for node '\(node)' as something other than a JSON object")
        }
        return data
    }

    private static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
}
