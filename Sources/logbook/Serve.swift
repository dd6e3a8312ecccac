import AdminAPI
import ArgumentParser
import Foundation
import Gateway
import JWTAuthentication
import LogbookCore
import LogbookServer
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API and xDS (ADS) over the log until SIGINT or SIGTERM.")

    @OptionGroup var dataDir: DataDirectory
    @Option(name: .customLong("http-host"), help: "The address to bind (loopback unless you mean otherwise).")
    var httpHost = "127.0.0.1"
    @Option(name: .customLong("http-port"), help: "The HTTP port (0 picks a free one).") var httpPort = 8080
    @Option(name: .customLong("xds-host"), help: "The xDS address to bind (loopback unless you mean otherwise).")
    var xdsHost = "127.0.0.1"
    @Option(name: .customLong("xds-port"), help: "The xDS (ADS over gRPC) port (0 picks a free one).")
    var xdsPort = 18000
    @Option(help: "A declarative file: applied when the log is empty, re-read by POST /config/reload.")
    var config: String?
    @Option(
        help: ArgumentHelp(
            "When the API asks for a bearer token: automatic (once the log holds a token), required, or off (needs --insecure).",
            valueName: "mode"))
    var auth = "automatic"
    @Flag(help: "Allow serving without authentication: with --auth off, or on a non-loopback address with no token.")
    var insecure = false
    @Option(
        name: .customLong("jwt-jwks"),
        help: "Accept JWTs signed by these keys: a JWKS file (re-read when it changes) or an https URL (fetched every 5 minutes).")
    var jwtJWKS: String?
    @Option(name: .customLong("jwt-issuer"), help: "The `iss` a JWT must carry (required with --jwt-jwks).")
    var jwtIssuer: String?
    @Option(name: .customLong("jwt-audience"), help: "The `aud` a JWT must contain (required with --jwt-jwks).")
    var jwtAudience: String?
    @Option(name: .customLong("jwt-role-claim"), help: "The JWT claim that holds the role (default logbook_role).")
    var jwtRoleClaim: String?
    @OptionGroup var log: LogOptions

    func validate() throws {
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0...65535") }
        guard (0...65535).contains(xdsPort) else { throw ValidationError("--xds-port must be 0...65535") }
        guard let mode = AuthenticationMode(rawValue: auth) else {
            throw ValidationError("--auth must be automatic, required or off")
        }
        if mode == .off && !insecure {
            throw ValidationError("--auth off serves the API to anyone: add --insecure to mean it")
        }
    }

    func run() async throws {
        // Once, before anything logs: every part gets this logger (or one made from it).
        let logger = LogbookServer.bootstrapLogging(level: log.level, format: log.format)
        let metrics = APIMetrics.process
        try await reportingErrors {
            let jwtSettings = try Self.jwtSettings(
                jwks: jwtJWKS, issuer: jwtIssuer, audience: jwtAudience, roleClaim: jwtRoleClaim)
            var mode = AuthenticationMode(rawValue: auth) ?? .automatic
            // Trusting an identity provider means asking for its tokens, whether or not the log holds one.
            if jwtSettings != nil && mode == .automatic { mode = .required }
            let configuration = ServerConfiguration(
                api: AdminAPIConfiguration(
                    host: httpHost, port: httpPort, configPath: config.map(Self.absolute), authentication: mode),
                xdsHost: xdsHost, xdsPort: xdsPort)
            // Ports and the file before the log is opened, so a busy port or a typo fails fast and
            // creates nothing.
            try configuration.checkPorts()
            let declarative = try config.map { try DeclarativeFile(path: $0) }
            let session = try Session.open(
                dataDir, create: true, logger: logger, countFailure: { metrics.recordError(kind: $0) })
            defer { session.close() }
            if let declarative, session.store.head == 0 {
                let result = try await session.logbook.execute(
                    .applyDeclarative(declarative.config, sourceHash: declarative.sourceHash),
                    context: RequestContext(actor: "serve", requestID: "serve-" + UUID().uuidString.lowercased()))
                Self.say("applied \(declarative.path): \(result.events.count) events, version \(result.version)")
            }
            try Self.checkExposure(
                host: httpHost, mode: configuration.api.authentication, hasTokens: session.logbook.tokens.everIssued,
                insecure: insecure)
            // An imported or crashed log may lack checkpoints; state-at-version queries need them.
            try await session.logbook.writeMissingCheckpoints()
            var authenticators: [any BearerAuthenticator] = [TokenAuthenticator(logbook: session.logbook)]
            var keyRefresh: Task<Void, Never>?
            if let jwtSettings {
                let jwt = try await Self.startJWT(jwtSettings, logger: logger.with("logbook.component", "jwt"))
                authenticators.append(jwt)
                keyRefresh = Task { await jwt.run() }
            }
            defer { keyRefresh?.cancel() }
            let (httpHost, xdsHost) = (self.httpHost, self.xdsHost)
            let store = session.store
            try await LogbookServer.run(
                logbook: session.logbook, configuration: configuration, logger: logger, authenticators: authenticators
            ) { ports, _ in
                Self.say(
                    "serving the HTTP API on http://\(ServerConfiguration.authority(host: httpHost, port: ports.http))"
                        + " and xDS on \(ServerConfiguration.authority(host: xdsHost, port: ports.xds))"
                        + " (log head \(store.head))")
            }
        }
    }

    /// The `--jwt-*` flags as settings; a mistake is a one-line error naming the flag.
    static func jwtSettings(jwks: String?, issuer: String?, audience: String?, roleClaim: String?) throws
        -> JWTSettings?
    {
        do {
            return try JWTSettings.load(jwksPath: jwks, issuer: issuer, audience: audience, roleClaim: roleClaim)
        } catch {
            throw LogbookError(.invalid, field: nil, error.message)
        }
    }

    private static func startJWT(_ settings: JWTSettings, logger: Logger) async throws -> JWTAuthenticator {
        do {
            return try await JWTAuthenticator.start(settings: settings, logger: logger)
        } catch {
            throw LogbookError(.invalid, field: nil, error.message)
        }
    }

    /// An API that can change the whole gateway is not served beyond loopback with nobody
    /// required to authenticate, unless the operator says so.
    static func checkExposure(host: String, mode: AuthenticationMode, hasTokens: Bool, insecure: Bool) throws {
        let authenticated = mode == .required || (mode == .automatic && hasTokens)
        guard !authenticated, !isLoopback(host), !insecure else { return }
        throw LogbookError(
            .invalid, field: "--http-host",
            "refusing to serve the API on \(host) without authentication: issue a token first (logbook tokens issue), pass --auth required, or pass --insecure to serve it open"
        )
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The reload path must not depend on a later working directory.
    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    private static func say(_ line: String) {
        FileHandle.standardError.write(Data("logbook: \(line)\n".utf8))
    }
}
