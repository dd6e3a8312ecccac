import ArgumentParser
import EventLog
import Foundation
import Gateway
import LogbookCore

struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the log's configuration match a declarative file, appending only the differences.")

    @OptionGroup var dataDir: DataDirectory
    @Argument(help: "The declarative file (YAML or JSON).") var file: String
    @Flag(help: "Print the events that would be appended, and append nothing.") var dryRun = false
    @Option(help: "Who is applying (stored in every event).") var actor = "cli"

    func run() async throws {
        try await reportingErrors {
            let declarative = try DeclarativeFile(path: file)
            let session = try Session.open(dataDir, create: true)
            defer { session.close() }
            let command = GatewayCommand.applyDeclarative(declarative.config, sourceHash: declarative.sourceHash)
            var out = Output()
            if dryRun {
                let events = try session.logbook.plan(command)
                out.line(
                    events.isEmpty
                        ? "no changes: \(file) matches version \(session.logbook.state.version)" : "would append:")
                for event in events { out.line("  \(event.type): \(event.summary)") }
            } else {
                let result = try await session.logbook.execute(
                    command,
                    context: RequestContext(
                        actor: try ActorName.check(actor, field: "--actor"),
                        requestID: "cli-" + UUID().uuidString.lowercased()))
                if result.events.isEmpty {
                    out.line("no changes: \(file) matches version \(result.version)")
                }
                for applied in result.events {
                    out.line("\(applied.sequence)  \(applied.event.type): \(applied.event.summary)")
                }
                if !result.events.isEmpty { out.line("configuration version \(result.version)") }
            }
            out.flush()
        }
    }
}

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the audit trail, oldest first.")

    @OptionGroup var dataDir: DataDirectory
    @Option(help: "Only events at or after this time (ISO 8601, or an age such as 1h).") var since: String?
    @Option(help: "Only events before this time.") var until: String?
    @Option(help: "Only events of this type (ServiceRegistered, RouteChanged, ...).") var type: String?
    @Option(help: "Only events about this entity (service/rest-api, route/api, proxy/proxy-1).") var entity: String?
    @Option(help: "Only events by this actor.") var actor: String?
    @Option(help: "At most this many events.") var limit: Int?
    @Flag(help: "Newest first.") var reverse = false
    @Flag(help: "One JSON object a line.") var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await reportingErrors {
            var query = EventQuery()
            query.since = try since.map { try TimeExpression.parse($0) }
            query.until = try until.map { try TimeExpression.parse($0) }
            query.types = type.map { [$0] }
            query.entity = entity
            query.actor = actor
            query.descending = reverse
            let session = try Session.read(dataDir)
            defer { session.close() }
            var remaining = limit ?? .max
            var out = Output()
            repeat {
                query.limit = min(remaining, 1000)
                let page = try session.logbook.events(query)
                for recorded in page.events {
                    let e = recorded.envelope
                    out.line(
                        json
                            ? Format.eventJSON(recorded)
                            : "\(e.sequence)  \(Format.time(e.recordedAt))  \(e.actor)  \(e.type)  \(recorded.event.summary)"
                    )
                }
                remaining -= page.events.count
                query.cursor = page.nextCursor
            } while query.cursor != nil && remaining > 0
            out.flush()
        }
    }
}

struct State: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the projected state, now or as it was.")

    @OptionGroup var dataDir: DataDirectory
    @Option(help: "The state right after this event sequence number.") var version: UInt64?
    @Option(help: "The state in force at this time (ISO 8601, or an age such as 1h).") var at: String?
    @Flag(help: "JSON instead of a summary.") var json = false

    func validate() throws {
        if version != nil && at != nil { throw ValidationError("give --version or --at, not both") }
    }

    func run() async throws {
        try await reportingErrors {
            let session = try Session.read(dataDir)
            defer { session.close() }
            let state: GatewayState
            if let version {
                state = try session.logbook.state(atVersion: version)
            } else if let at {
                state = try session.logbook.state(atTime: try TimeExpression.parse(at))
            } else {
                state = session.logbook.state
            }
            var out = Output()
            if json {
                out.line(String(decoding: state.jsonData(), as: UTF8.self))
            } else {
                out.line("version \(state.version) (log head \(state.head))")
                out.line("services (\(state.services.count)):")
                for s in state.sortedServices {
                    out.line(
                        "  \(s.name)  \(s.protocol.rawValue)  \(s.lbPolicy.rawValue)  \(s.endpoints.map(\.description).joined(separator: ", "))"
                    )
                }
                out.line("routes (\(state.routes.count)):")
                for r in state.sortedRoutes { out.line("  \(r.name)  \(r.listener.rawValue)  \(r.summaryLine)") }
                out.line("proxies (\(state.proxies.count)):")
                for p in state.sortedProxies { out.line("  \(p.key)  \(p.portsLine)") }
            }
            out.flush()
        }
    }
}

struct Versions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List configuration versions with time, actor and a one-line summary.")

    @OptionGroup var dataDir: DataDirectory

    func run() async throws {
        try await reportingErrors {
            let session = try Session.read(dataDir)
            defer { session.close() }
            var out = Output()
            var cursor: UInt64?
            repeat {
                let page = try session.logbook.versions(after: cursor, limit: 1000)
                for v in page.versions {
                    out.line("\(v.version)  \(Format.time(v.recordedAt))  \(v.actor)  \(v.summary)")
                }
                cursor = page.nextCursor
            } while cursor != nil
            out.flush()
        }
    }
}

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What changed between two versions, resource by resource.")

    @OptionGroup var dataDir: DataDirectory
    @Argument(help: "The older version.") var from: UInt64
    @Argument(help: "The newer version.") var to: UInt64
    @Flag(help: "JSON instead of lines.") var json = false

    func run() async throws {
        try await reportingErrors {
            let session = try Session.read(dataDir)
            defer { session.close() }
            let diff = StateDiff(
                old: try session.logbook.state(atVersion: from), new: try session.logbook.state(atVersion: to))
            var out = Output()
            if json {
                out.line(Format.json(diff))
            } else if diff.isEmpty {
                out.line("no differences between \(from) and \(to)")
            } else {
                for line in diff.lines { out.line(line) }
            }
            out.flush()
        }
    }
}

struct Rollback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Append ConfigRolledBack: services and routes return to a version (proxies stay).")

    @OptionGroup var dataDir: DataDirectory
    @Argument(help: "The version to restore.") var version: UInt64
    @Option(help: "Why (required; stored in the event).") var reason: String
    @Option(help: "Who is rolling back.") var actor = "cli"

    func run() async throws {
        try await reportingErrors {
            let session = try Session.open(dataDir)
            defer { session.close() }
            let result = try await session.logbook.rollback(
                to: version, reason: reason,
                context: RequestContext(
                    actor: try ActorName.check(actor, field: "--actor"),
                    requestID: "cli-" + UUID().uuidString.lowercased()))
            var out = Output()
            if result.events.isEmpty {
                out.line("no changes: version \(result.version) already matches version \(version)")
            } else {
                out.line("rolled back to \(version): configuration version \(result.version)")
            }
            out.flush()
        }
    }
}
