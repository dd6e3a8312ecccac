import ArgumentParser
import Foundation
import Gateway
import LogbookCore

/// `logbook tokens`: bearer tokens for the HTTP API, managed on the data directory, which is
/// the root of trust (issuing the first token turns authentication on).
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Issue, list and revoke the HTTP API's bearer tokens.",
        subcommands: [IssueToken.self, ListTokens.self, RevokeToken.self])
}

struct IssueToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a token; only its secret goes to stdout, once (the log keeps its SHA-256).")

    @OptionGroup var dataDir: DataDirectory
    @Option(help: "The token's name (its actor is token:NAME).") var name: String
    @Option(help: "viewer, operator or admin.") var role: String
    @Option(help: "How long it is valid: 90d, 12h, 30m or never.") var expires = "never"
    @Option(help: "Who is issuing it (stored as its issuer).") var actor = "cli"

    func run() async throws {
        try await reportingErrors {
            guard let role = Role(rawValue: role) else {
                throw LogbookError(.invalid, field: "--role", "must be viewer, operator or admin")
            }
            let lifetime = try TokenLifetime.parse(expires, field: "--expires")
            let session = try Session.open(dataDir, create: true)
            defer { session.close() }
            let issued = try await session.logbook.issueToken(
                name: name, role: role, expiresIn: lifetime,
                context: RequestContext(
                    actor: try ActorName.check(actor, field: "--actor"),
                    requestID: "cli-" + UUID().uuidString.lowercased()))
            let expiry = issued.grant.expiresAt.map { "expires \(Format.time($0))" } ?? "never expires"
            FileHandle.standardError.write(
                Data(
                    "issued token \(issued.grant.name) (\(role.rawValue), \(expiry)) at event \(issued.sequence); the secret is printed once:\n"
                        .utf8))
            var out = Output()
            out.line(issued.secret)
            out.flush()
        }
    }
}

struct ListTokens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Every token issued: name, role, expiry, issuer and state.")

    @OptionGroup var dataDir: DataDirectory

    func run() async throws {
        try await reportingErrors {
            let session = try Session.read(dataDir)
            defer { session.close() }
            let now = Logbook.nowMilliseconds()
            var out = Output()
            for entry in session.logbook.tokens.sorted {
                let grant = entry.grant
                out.line(
                    "\(grant.name)  \(grant.role.rawValue)  \(grant.expiresAt.map(Format.time) ?? "never")  \(grant.issuer)  \(entry.state(now: now))"
                )
            }
            out.flush()
        }
    }
}

struct RevokeToken: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token: it is refused from the next request on.")

    @OptionGroup var dataDir: DataDirectory
    @Argument(help: "The token's name.") var name: String
    @Option(help: "Who is revoking it.") var actor = "cli"

    func run() async throws {
        try await reportingErrors {
            let session = try Session.open(dataDir)
            defer { session.close() }
            let result = try await session.logbook.revokeToken(
                name: name,
                context: RequestContext(
                    actor: try ActorName.check(actor, field: "--actor"),
                    requestID: "cli-" + UUID().uuidString.lowercased()))
            var out = Output()
            out.line("revoked token \(name) at event \(result.head)")
            out.flush()
        }
    }
}
