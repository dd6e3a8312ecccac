import Foundation
import TestSupport
import Testing

/// `logbook serve` and authentication as an operator meets them: a token issued on the data
/// directory turns it on; `--auth required` turns it on with none.
@Suite("serve: authentication", .serialized)
struct ServeAuthTests {
    /// The status curl got for `path`, with `token` as a bearer token when given.
    func status(_ server: LogbookServe, _ path: String, token: String? = nil) throws -> String {
        var arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", server.api + path]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        return try runProcess("/usr/bin/curl", arguments).stdout
    }

    @Test("a token issued with the CLI turns authentication on for the next serve")
    func issuedTokenTurnsItOn() async throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let issued = try runLogbook(["tokens", "issue", "--name", "ops", "--role", "viewer", "--data-dir", data])
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .newlines)
        let server = try await LogbookServe(dataDir: data, log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        #expect(try status(server, "/services") == "401")
        #expect(try status(server, "/services", token: token) == "200")
        #expect(try status(server, "/healthz") == "200")
        #expect(try status(server, "/config/rollback", token: token) != "500")
        #expect(!server.child.log.contains(token))
    }

    @Test("--auth required asks for a token even when the log has none")
    func required() async throws {
        let dir = try TemporaryDirectory()
        let server = try await LogbookServe(
            dataDir: dir.path + "/data", extra: ["--auth", "required"], log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        #expect(try status(server, "/services") == "401")
        #expect(try status(server, "/readyz") == "200")
    }
}
