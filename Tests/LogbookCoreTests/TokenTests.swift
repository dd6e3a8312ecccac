import EventLog
import Foundation
import Gateway
import LogbookCore
import Synchronization
import TestSupport
import Testing

@Suite("tokens in the log")
struct TokenTests {
    @Test(
        "issuing and revoking tokens moves neither the configuration version nor the state; a reopen folds them again")
    func notConfiguration() async throws {
        let dir = try TemporaryDirectory()
        var (store, logbook) = try openLogbook(dir.path + "/data", checkpointInterval: 2)
        _ = try await logbook.execute(.registerService(service("a")))
        let before = logbook.state
        let issued = try await logbook.issueToken(
            name: "ci", role: .operator, expiresIn: 3_600_000, context: RequestContext(actor: "cli:alice"))
        _ = try await logbook.issueToken(
            name: "ro", role: .viewer, expiresIn: nil, context: RequestContext(actor: "cli"))
        _ = try await logbook.revokeToken(name: "ro", context: RequestContext(actor: "cli"))
        #expect(logbook.state.version == before.version)
        #expect(logbook.state.services == before.services)
        #expect(issued.grant.issuer == "cli:alice")
        #expect(issued.grant.secretSHA256 == TokenSecret.hash(issued.secret))
        #expect(issued.secret.hasPrefix("lbk_") && issued.secret.count == 47)
        store.close()
        (store, logbook) = try openLogbook(dir.path + "/data", checkpointInterval: 2)
        defer { store.close() }
        let tokens = logbook.tokens
        #expect(tokens.sorted.map(\.grant.name) == ["ci", "ro"])
        #expect(tokens.entries["ro"]?.revoked == true)
        #expect(tokens.entries["ci"]?.grant.role == .operator)
        #expect(logbook.state.version == before.version)
        // The authenticator: the secret, in constant time; a revoked or expired token is refused.
        let authenticator = TokenAuthenticator(logbook: logbook)
        let now = Logbook.nowMilliseconds()
        #expect(
            try authenticator.authenticate(issued.secret, now: now)?.get()
                == Principal(source: .token, name: "ci", role: .operator))
        #expect(authenticator.authenticate(issued.secret, now: now + 3_600_001) == .failure(.expired))
        #expect(authenticator.authenticate("lbk_" + String(repeating: "a", count: 43), now: now) == .failure(.unknown))
        #expect(authenticator.authenticate("lbk_x", now: now) == .failure(.malformed))
        #expect(authenticator.authenticate("eyJ.a.b", now: now) == nil)
    }

    @Test("token events wake no state watcher: what the translator and xDS see changes only with configuration")
    func noStateUpdate() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path + "/data")
        defer { store.close() }
        let stream = logbook.stateUpdates()
        let received = Mutex<[UInt64]>([])
        let watcher = Task { for await state in stream { received.withLock { $0.append(state.version) } } }
        defer { watcher.cancel() }
        _ = try await eventually("the first state") { received.withLock { $0 == [0] ? true : nil } }
        _ = try await logbook.issueToken(name: "t", role: .admin, expiresIn: nil, context: RequestContext())
        _ = try await logbook.revokeToken(name: "t", context: RequestContext())
        try await Task.sleep(for: .milliseconds(300))
        #expect(received.withLock { $0 } == [0])
        _ = try await logbook.execute(.registerService(service("a")))
        _ = try await eventually("the service's state") { received.withLock { $0 == [0, 3] ? true : nil } }
    }

    @Test("names follow the name rule; an active name is a conflict; revoking unknown or revoked tokens is refused")
    func decisions() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path + "/data")
        defer { store.close() }
        let context = RequestContext(actor: "cli")
        await #expect(throws: LogbookError.self) {
            _ = try await logbook.issueToken(name: "bad name", role: .viewer, expiresIn: nil, context: context)
        }
        _ = try await logbook.issueToken(name: "x", role: .viewer, expiresIn: nil, context: context)
        let duplicate = await #expect(throws: LogbookError.self) {
            _ = try await logbook.issueToken(name: "x", role: .admin, expiresIn: nil, context: context)
        }
        #expect(duplicate?.code == .duplicate)
        let unknown = await #expect(throws: LogbookError.self) {
            _ = try await logbook.revokeToken(name: "y", context: context)
        }
        #expect(unknown?.code == .notFound)
        _ = try await logbook.revokeToken(name: "x", context: context)
        let again = await #expect(throws: LogbookError.self) {
            _ = try await logbook.revokeToken(name: "x", context: context)
        }
        #expect(again?.code == .conflict)
        // A revoked name may be issued again.
        _ = try await logbook.issueToken(name: "x", role: .admin, expiresIn: nil, context: context)
        #expect(store.head == 3)
    }

    @Test("secrets are 256 random bits, never repeated, base64url")
    func secrets() {
        let made = (0..<200).map { _ in TokenSecret.generate() }
        #expect(Set(made).count == 200)
        #expect(made.allSatisfy(TokenSecret.isWellFormed))
    }

    @Test("TokenIssued carries the hash, never the secret, and round-trips its payload")
    func payload() throws {
        let grant = TokenGrant(name: "n", role: .admin, expiresAt: 1_800_000_000_000, issuer: "cli", secretSHA256: "ab")
        let event = GatewayEvent.tokenIssued(grant)
        #expect(event.changesConfiguration == false)
        #expect(event.kind == .configuration)
        #expect(event.entities == ["token/n", "tokens"])
        let decoded = try GatewayEvent.decode(
            type: event.type, schemaVersion: event.schemaVersion, payload: event.encodePayload())
        #expect(decoded == event)
        let never = GatewayEvent.tokenIssued(
            TokenGrant(name: "n", role: .viewer, expiresAt: nil, issuer: "cli", secretSHA256: "ab"))
        #expect(try GatewayEvent.decode(type: never.type, schemaVersion: 1, payload: never.encodePayload()) == never)
        let json = String(decoding: event.payloadJSON(), as: UTF8.self)
        #expect(json == #"{"expires_at":1800000000000,"issuer":"cli","name":"n","role":"admin","secret_sha256":"ab"}"#)
        var state = GatewayState()
        state.apply(event, seq: 7)
        #expect(state.version == 0 && state.head == 7)
    }

    @Test("schema 1 payloads are pinned: TokenIssued and TokenRevoked golden bytes")
    func goldenBytes() throws {
        let grant = TokenGrant(name: "ci", role: .admin, expiresAt: 1, issuer: "cli", secretSHA256: "ab")
        let issued: [UInt8] = [
            0x02, 0x63, 0x69, 0x05, 0x61, 0x64, 0x6D, 0x69, 0x6E, 0x01, 0x02, 0x03, 0x63, 0x6C, 0x69, 0x02, 0x61, 0x62,
        ]
        #expect(GatewayEvent.tokenIssued(grant).encodePayload() == issued)
        #expect(try GatewayEvent.decode(type: "TokenIssued", schemaVersion: 1, payload: issued) == .tokenIssued(grant))
        #expect(GatewayEvent.tokenRevoked(name: "ci").encodePayload() == [0x02, 0x63, 0x69])
        // An unknown role is a payload error, not a crash.
        var badRole = issued
        badRole[4] = 0x78
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(type: "TokenIssued", schemaVersion: 1, payload: badRole)
        }
    }

    @Test("lifetimes: 90d, 12h, 30m, never; anything else names the field")
    func lifetimes() throws {
        #expect(try TokenLifetime.parse("90d", field: "f") == 90 * 86_400_000)
        #expect(try TokenLifetime.parse("12h", field: "f") == 12 * 3_600_000)
        #expect(try TokenLifetime.parse("30m", field: "f") == 30 * 60_000)
        #expect(try TokenLifetime.parse("never", field: "f") == nil)
        for bad in ["", "0d", "-1h", "1y", "d", "9999999999999999999d", "１d"] {
            let error = #expect(throws: LogbookError.self) { try TokenLifetime.parse(bad, field: "--expires") }
            #expect(error?.field == "--expires", "\(bad)")
        }
    }
}

@Suite("logbook tokens", .serialized)
struct TokenCLITests {
    @Test(
        "issue prints only the secret on stdout; list shows no hash; revoke; the secret is nowhere in the log or export"
    )
    func issueListRevoke() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let issued = try runLogbook(
            [
                "tokens", "issue", "--name", "ci-deployer", "--role", "operator", "--expires", "12h", "--actor",
                "alice", "--data-dir", data,
            ])
        #expect(issued.status == 0, "\(issued.stderr)")
        let secret = issued.stdout.trimmingCharacters(in: .newlines)
        #expect(TokenSecret.isWellFormed(secret), "\(issued.stdout)")
        #expect(issued.stderr.contains("ci-deployer"))
        let list = try runLogbook(["tokens", "list", "--data-dir", data])
        #expect(list.status == 0)
        #expect(list.stdout.contains("ci-deployer  operator"))
        #expect(list.stdout.contains("alice  active"))
        #expect(!list.stdout.contains(TokenSecret.hash(secret)))
        let duplicate = try runLogbook([
            "tokens", "issue", "--name", "ci-deployer", "--role", "viewer", "--data-dir", data,
        ])
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("active"))
        let badRole = try runLogbook(["tokens", "issue", "--name", "x", "--role", "root", "--data-dir", data])
        #expect(badRole.status == 1 && badRole.stderr.contains("--role"))
        let revoked = try runLogbook(["tokens", "revoke", "ci-deployer", "--data-dir", data])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try runLogbook(["tokens", "list", "--data-dir", data]).stdout.contains("revoked"))
        let unknown = try runLogbook(["tokens", "revoke", "nope", "--data-dir", data])
        #expect(unknown.status == 1 && unknown.stderr.contains("no token named"))
        let export = try runLogbook(["export", "--data-dir", data])
        #expect(export.stdout.contains("TokenIssued"))
        #expect(!export.stdout.contains(secret))
        let events = try runLogbook(["events", "--json", "--data-dir", data])
        #expect(!events.stdout.contains(secret))
    }

    @Test("serve refuses --auth off without --insecure, and a non-loopback address with no token")
    func serveExposure() throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let off = try runLogbook(["serve", "--auth", "off", "--data-dir", data, "--http-port", "0", "--xds-port", "0"])
        #expect(off.status == 1 && off.stderr.contains("--insecure"), "\(off.stderr)")
        let open = try runLogbook(
            ["serve", "--http-host", "0.0.0.0", "--data-dir", data, "--http-port", "0", "--xds-port", "0"])
        #expect(open.status == 1, "\(open.stderr)")
        #expect(open.stderr.contains("--insecure") && open.stderr.contains("--auth required"), "\(open.stderr)")
    }
}
