import Gateway
import Hummingbird
import LogbookCore

/// `POST /config/reload` and `POST /config/rollback`.
struct ConfigController {
    let logbook: Logbook
    let configPath: String?
    let metrics: APIMetrics

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.post("reload", use: reload)
        routes.post("rollback", use: rollback)
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
            let all = try decoder.container(keyedBy: NamedKey.self)
            if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: [NamedKey(unknown)], debugDescription: "unknown key '\(unknown)'"))
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            version = try container.decode(UInt64.self, forKey: .version)
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
