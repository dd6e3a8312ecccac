import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogbookCore
import Logging
import Prometheus
import Synchronization
import TestSupport
import Testing

@testable import AdminAPI

/// Log lines a test can search (for a secret that must never be written).
final class CapturedLines: Sendable {
    let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func handler(label: String) -> some LogHandler { CapturingHandler(sink: self) }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.lines.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}

/// A log with a viewer, an operator and an admin token, and the API over it.
struct AuthFixture {
    let harness: LogHarness
    let metrics: APIMetrics
    let lines: CapturedLines
    var secrets: [Role: String] = [:]

    init() async throws {
        harness = try LogHarness()
        metrics = APIMetrics(registry: PrometheusCollectorRegistry())
        lines = CapturedLines()
        for role in Role.allCases {
            let issued = try await harness.logbook.issueToken(
                name: "t-\(role.rawValue)", role: role, expiresIn: nil, context: RequestContext(actor: "cli"))
            secrets[role] = issued.secret
        }
    }

    func run(
        limit: Int = 20, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let lines = self.lines
        let app = try buildApplication(
            logbook: harness.logbook, configuration: AdminAPIConfiguration(port: 0, authFailuresPerMinute: limit),
            metrics: metrics, logger: Logger(label: "test", factory: { lines.handler(label: $0) }))
        try await app.test(.router, body)
    }

    func bearer(_ role: Role) -> HTTPFields { [.authorization: "Bearer \(secrets[role]!)"] }
}

@Suite("authentication: bearer tokens and roles")
struct AuthenticationTests {
    @Test("a log without tokens serves without a credential, as before")
    func offWithoutTokens() async throws {
        try await withAPI { client, harness in
            let response = try await client.send(.get, "/services")
            #expect(response.status == .ok)
            #expect(harness.logbook.tokens.everIssued == false)
        }
    }

    @Test("once a token exists: no credential is 401 with WWW-Authenticate; the probes stay open")
    func missingCredential() async throws {
        let fixture = try await AuthFixture()
        try await fixture.run { client in
            let response = try await expectRejected(
                client, fixture.harness, .get, "/services", status: .unauthorized, code: "unauthorized",
                field: "Authorization")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="logbook""#)
            #expect(try await client.send(.get, "/healthz").status == .ok)
            #expect(try await client.send(.get, "/readyz").status == .ok)
            #expect(try await client.send(.get, "/services", headers: fixture.bearer(.viewer)).status == .ok)
        }
    }

    @Test("bad credentials are 401 with error=invalid_token and a reason, never a 500")
    func badCredentials() async throws {
        let fixture = try await AuthFixture()
        try await fixture.run(limit: 1000) { client in
            let cases: [(HTTPFields, String)] = [
                ([.authorization: ""], "Bearer"),
                ([.authorization: "Bearer"], "Bearer"),
                ([.authorization: "Basic dXNlcjpwYXNz"], "Bearer"),
                ([.authorization: "Bearer lbk_short"], "malformed"),
                ([.authorization: "Bearer lbk_" + String(repeating: "A", count: 43)], "not known"),
                ([.authorization: "Bearer eyJhbGciOiJub25lIn0.e30."], "not known"),
                ([.authorization: "Bearer " + String(repeating: "x", count: 1 << 20)], "too long"),
            ]
            for (headers, reason) in cases {
                let response = try await client.send(.get, "/services", headers: headers)
                #expect(response.status == .unauthorized, "\(reason): \(response.status)")
                let message = (response.object["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(message.contains(reason), "\(message)")
            }
            var notUTF8 = HTTPFields()
            notUTF8.append(
                HTTPField(name: .authorization, lenientValue: [0x42, 0x65, 0x61, 0x72, 0x65, 0x72, 0x20, 0xFF, 0xFE]))
            let refused = try await client.send(.get, "/services", headers: notUTF8)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate] == #"Bearer realm="logbook", error="invalid_token""#)

            var several = HTTPFields()
            for _ in 0..<5 {
                several.append(HTTPField(name: .authorization, value: "Bearer \(fixture.secrets[.admin]!)"))
            }
            let many = try await client.send(.get, "/services", headers: several)
            #expect(many.status == .unauthorized)
            #expect(many.text.contains("more than one Authorization header"))
        }
    }

    @Test("a revoked or expired token is refused with its reason")
    func revokedAndExpired() async throws {
        let fixture = try await AuthFixture()
        let logbook = fixture.harness.logbook
        let short = try await logbook.issueToken(
            name: "short", role: .admin, expiresIn: 1, context: RequestContext(actor: "cli"))
        try await Task.sleep(for: .milliseconds(5))
        _ = try await logbook.revokeToken(name: "t-viewer", context: RequestContext(actor: "cli"))
        try await fixture.run { client in
            let revoked = try await client.send(.get, "/services", headers: fixture.bearer(.viewer))
            #expect(revoked.status == .unauthorized)
            #expect(revoked.text.contains("revoked"))
            let expired = try await client.send(.get, "/services", headers: [.authorization: "Bearer \(short.secret)"])
            #expect(expired.status == .unauthorized)
            #expect(expired.text.contains("expired"))
        }
    }

    @Test("the role table and the document's x-logbook-role agree for every operation")
    func tableMatchesDocument() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented: [String: String] = [:]
        for (path, operations) in paths {
            for (method, value) in operations {
                guard let operation = value as? [String: Any] else { continue }
                let key = "\(method.uppercased()) \(path)"
                if OperationRoles.open.contains(key) {
                    #expect((operation["security"] as? [Any])?.isEmpty == true, "\(key) is open")
                    continue
                }
                documented[key] = operation["x-logbook-role"] as? String ?? "none"
                #expect(operation["security"] != nil, "\(key) states its security")
            }
        }
        let table = Dictionary(
            uniqueKeysWithValues: OperationRoles.table.map { ("\($0.method) \($0.path)", $0.role.rawValue) })
        #expect(table == documented)
        let schemes = (document["components"] as? [String: Any])?["securitySchemes"] as? [String: Any]
        #expect(schemes?["bearer"] != nil)
    }

    @Test("every documented operation: 403 exactly where the role is too low, never 401/403/500 otherwise")
    func roleMatrix() async throws {
        let fixture = try await AuthFixture()
        try await fixture.harness.logbook.execute(
            .registerService(try JSONDecoder().decode(Service.self, from: Data(Fixture.service("rest-api").utf8))))
        try await fixture.run(limit: 1000) { client in
            for operation in OperationRoles.table where operation.path != "/events/stream" {
                let path = operation.path
                    .replacingOccurrences(of: "{name}", with: operation.path.hasPrefix("/tokens") ? "nope" : "rest-api")
                    .replacingOccurrences(of: "{id}", with: "proxy-x").replacingOccurrences(of: "{seq}", with: "1")
                for role in Role.allCases {
                    let json: String? = operation.method == "GET" || operation.method == "DELETE" ? nil : "{}"
                    let response = try await client.send(
                        HTTPRequest.Method(operation.method)!, path, json: json, headers: fixture.bearer(role))
                    let status = response.status.code
                    if role.allows(operation.role) {
                        #expect(![401, 403, 500].contains(status), "\(role) \(operation.method) \(path): \(status)")
                    } else {
                        #expect(status == 403, "\(role) \(operation.method) \(path): \(status) \(response.text)")
                    }
                }
            }
            // The stream: a viewer may open it (bounded by limit=0 so it ends).
            let stream = try await client.send(
                .get, "/events/stream?limit=1&after_seq=0", headers: fixture.bearer(.viewer))
            #expect(stream.status == .ok)
        }
    }

    @Test("with authentication on, the envelope's actor is the token's, X-Actor is only a claim; audit by actor works")
    func actorIsThePrincipal() async throws {
        let fixture = try await AuthFixture()
        try await fixture.run { client in
            var headers = fixture.bearer(.operator)
            headers[.actor] = "mallory"
            let created = try await client.send(.post, "/services/add", json: Fixture.service("a"), headers: headers)
            #expect(created.status == .created)
            #expect(created.headers[.actor] == "token:t-operator")
            let events =
                try await client.send(
                    .get, "/events?actor=token:t-operator", headers: fixture.bearer(.viewer)
                ).object["events"] as? [[String: Any]]
            #expect(events?.count == 1)
            #expect(events?.first?["actor"] as? String == "token:t-operator")
            // The claimed actor is kept beside the event, never as its actor.
            let entities = events?.first?["entities"] as? [String] ?? []
            #expect(entities.contains("claimed-actor/mallory"), "\(entities)")
            #expect(entities.contains { $0.hasPrefix("client/") }, "\(entities)")
            let claimed =
                try await client.send(
                    .get, "/events?entity=claimed-actor/mallory", headers: fixture.bearer(.viewer)
                ).object["events"] as? [[String: Any]]
            #expect(claimed?.count == 1)
        }
    }

    @Test("tokens over the API: issue (201, secret once), list (no hash), revoke, 409 and 404")
    func tokenEndpoints() async throws {
        let fixture = try await AuthFixture()
        try await fixture.run { client in
            let admin = fixture.bearer(.admin)
            let issued = try await client.send(
                .post, "/tokens", json: #"{"name": "ci-deployer", "role": "operator", "expires_in": "90d"}"#,
                headers: admin)
            #expect(issued.status == .created, "\(issued.text)")
            let secret = try #require(issued.object["token"] as? String)
            #expect(secret.hasPrefix("lbk_") && secret.count >= 4 + 43)
            #expect(issued.object["issuer"] as? String == "token:t-admin")
            let again = try await client.send(
                .post, "/tokens", json: #"{"name": "ci-deployer", "role": "viewer"}"#, headers: admin)
            #expect(again.status == .conflict)
            for body in [
                #"{"name": "bad name", "role": "viewer"}"#, #"{"name": "x", "role": "root"}"#,
                #"{"name": "x", "role": "viewer", "expires_in": "soon"}"#,
                #"{"name": "x", "role": "viewer", "extra": 1}"#,
            ] {
                try await expectRejected(
                    client, fixture.harness, .post, "/tokens", json: body, headers: admin, status: .badRequest)
            }
            let list = try await client.send(.get, "/tokens", headers: admin)
            #expect(list.status == .ok)
            #expect(!list.text.contains(secret))
            #expect(!list.text.contains(TokenSecret.hash(secret)))
            #expect(!list.text.contains("sha256"))
            let use = try await client.send(
                .post, "/services/add", json: Fixture.service("b"), headers: [.authorization: "Bearer \(secret)"])
            #expect(use.status == .created)
            #expect(try await client.send(.delete, "/tokens/ci-deployer", headers: admin).status == .ok)
            try await expectRejected(
                client, fixture.harness, .delete, "/tokens/ci-deployer", headers: admin, status: .conflict)
            try await expectRejected(
                client, fixture.harness, .delete, "/tokens/nope", headers: admin, status: .notFound)
            #expect(
                try await client.send(.get, "/services", headers: [.authorization: "Bearer \(secret)"]).status
                    == .unauthorized)
        }
        // Tokens are not configuration: events 1-4 and 6 are token events, 5 registered service b.
        #expect(fixture.harness.logbook.state.version == 5)
        #expect(fixture.harness.head == 6)
    }

    @Test(
        "after 20 failures a minute an address gets 429 with Retry-After; failures are counted and logged, nothing appended"
    )
    func failuresSlowedDown() async throws {
        let fixture = try await AuthFixture()
        let head = fixture.harness.head
        try await fixture.run { client in
            for _ in 0..<20 {
                let response = try await client.send(.get, "/services", headers: [.authorization: "Bearer lbk_nope"])
                #expect(response.status == .unauthorized)
            }
            let limited = try await client.send(.get, "/services", headers: fixture.bearer(.admin))
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
        let metrics = try await fixture.scrape()
        #expect(metrics.contains(#"logbook_auth_failures_total{reason="malformed"} 20"#), "\(metrics)")
        let warnings = fixture.lines.all.filter { $0.hasPrefix("warning authentication failed") }
        #expect(warnings.count == 20)
        #expect(fixture.harness.head == head)
    }

    @Test("no secret in the log, its export, any answer but the issuing one, /metrics or a log line")
    func secretsNeverLeak() async throws {
        let fixture = try await AuthFixture()
        var secrets = Array(fixture.secrets.values)
        let issuedSecret = Mutex<String?>(nil)
        try await fixture.run(limit: 1000) { client in
            var answers = ""
            let issued = try await client.send(
                .post, "/tokens", json: #"{"name": "api-made", "role": "admin"}"#, headers: fixture.bearer(.admin))
            let secret = issued.object["token"] as? String ?? ""
            issuedSecret.withLock { $0 = secret }
            for headers in [fixture.bearer(.viewer), fixture.bearer(.operator), [.authorization: "Bearer \(secret)"]] {
                for path in ["/events", "/tokens", "/state", "/status", "/services"] {
                    answers += try await client.send(.get, path, headers: headers).text
                }
                answers += try await client.send(.post, "/services/add", json: Fixture.service("s"), headers: headers)
                    .text
            }
            _ = try await client.send(.delete, "/tokens/api-made", headers: fixture.bearer(.admin))
            answers += try await client.send(.get, "/services", headers: [.authorization: "Bearer \(secret)"]).text
            answers += try await client.send(.get, "/metrics", headers: fixture.bearer(.viewer)).text
            for known in fixture.secrets.values + [secret] { #expect(!answers.contains(known)) }
        }
        secrets.append(try #require(issuedSecret.withLock { $0 }))
        var export = ""
        try fixture.harness.store.export { export += $0 + "\n" }
        #expect(export.contains("TokenIssued"))
        let lines = fixture.lines.all.joined(separator: "\n")
        let metrics = try await fixture.scrape()
        let files = try FileManager.default.subpathsOfDirectory(atPath: fixture.harness.directory).compactMap {
            FileManager.default.contents(atPath: fixture.harness.directory + "/" + $0)
        }
        for secret in secrets {
            #expect(!secret.isEmpty)
            #expect(!export.contains(secret))
            #expect(!lines.contains(secret))
            #expect(!metrics.contains(secret))
            let bytes = Data(secret.utf8)
            #expect(files.allSatisfy { $0.range(of: bytes) == nil }, "a file in the data directory holds a secret")
        }
    }

    @Test("a live server over a real socket: 401, then 200 with the token")
    func liveSocket() async throws {
        let fixture = try await AuthFixture()
        let app = try buildApplication(logbook: fixture.harness.logbook, configuration: AdminAPIConfiguration(port: 0))
        try await app.test(.live) { client in
            let refused = try await client.send(.get, "/services")
            #expect(refused.status == .unauthorized)
            let allowed = try await client.send(.get, "/services", headers: fixture.bearer(.viewer))
            #expect(allowed.status == .ok)
        }
    }
}

extension AuthFixture {
    /// /metrics as an admin sees it, rendered from the fixture's registry.
    func scrape() async throws -> String {
        var buffer = [UInt8]()
        metrics.registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

@Suite("the role table")
struct OperationRoleTests {
    @Test("literal segments beat parameters; unknown paths are viewer to read and admin otherwise")
    func lookUp() {
        #expect(OperationRoles.role(method: "POST", path: "/services/add") == .operator)
        #expect(OperationRoles.role(method: "GET", path: "/services/add") == .viewer)
        #expect(OperationRoles.role(method: "GET", path: "/tokens") == .admin)
        #expect(OperationRoles.role(method: "GET", path: "/tokens/") == .admin)
        #expect(OperationRoles.role(method: "GET", path: "/tokens/x") == .admin)
        #expect(OperationRoles.role(method: "DELETE", path: "/proxies/cluster:edge/pin") == .operator)
        #expect(OperationRoles.role(method: "GET", path: "/no/such/path") == .viewer)
        #expect(OperationRoles.role(method: "POST", path: "/no/such/path") == .admin)
    }
}

@Suite("authentication on a real socket: hostile Authorization headers")
struct HostileAuthorizationTests {
    @Test(
        "a 1 MB, non-UTF-8, empty or five-times-repeated Authorization header is a 4xx, never a 500",
        arguments: [
            Array("Authorization: Bearer ".utf8) + [UInt8](repeating: 0x78, count: 1 << 20) + Array("\r\n".utf8),
            Array("Authorization: Bearer ".utf8) + [0xFF, 0xFE, 0xC3, 0x28] + Array("\r\n".utf8),
            Array("Authorization:\r\n".utf8),
            Array(String(repeating: "Authorization: Bearer lbk_x\r\n", count: 5).utf8),
        ] as [[UInt8]])
    func hostileHeader(header: [UInt8]) async throws {
        try await withLiveServer { port, harness in
            _ = try await harness.logbook.issueToken(
                name: "someone", role: .admin, expiresIn: nil, context: RequestContext(actor: "cli"))
            let head = harness.head
            let connection = try RawHTTPConnection(port: port)
            _ = await connection.send(
                Array("GET /services HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".utf8) + header + Array("\r\n".utf8))
            let (text, _) = await connection.readUntilClosed(timeout: .seconds(5))
            let status = Int(text.dropFirst("HTTP/1.1 ".count).prefix(3)) ?? 0
            #expect((400..<500).contains(status), "\(text.prefix(300))")
            #expect(harness.head == head)
        }
    }
}
