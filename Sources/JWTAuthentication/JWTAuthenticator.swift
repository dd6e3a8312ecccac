import Foundation
import Gateway
import Logging
import Synchronization

/// Verifies JWTs from the operator's identity provider (docs/design.md, "JWT verification").
///
/// Synchronous by design: `BearerAuthenticator` is called on the request path with the caller's
/// `now`, and jwt-kit's own verification is async and reads the clock, so jwt-kit parses the JWKS
/// and builds the keys, and the signature and claims are checked here against swift-crypto.
public final class JWTAuthenticator: BearerAuthenticator, Sendable {
    public let settings: JWTSettings
    private let logger: Logger
    private let state: Mutex<LoadedKeys>

    private struct LoadedKeys {
        var keys: KeySet
        var fileStamp: FileStamp?
    }

    private struct FileStamp: Equatable {
        var modified: Date?
        var size: Int?
    }

    /// Loads a JWKS file; throws when it cannot be read or has no usable key, or when the source
    /// is a URL (use `start`, which can wait for the fetch).
    public convenience init(settings: JWTSettings, logger: Logger = Logger(label: "logbook.jwt"))
        throws(JWTConfigurationError)
    {
        guard case .file(let path) = settings.jwks else {
            throw JWTConfigurationError("--jwt-jwks: a URL is fetched by JWTAuthenticator.start")
        }
        let stamp = Self.stamp(path)
        let keys = try KeySet.load(path: path)
        self.init(settings: settings, logger: logger, keys: keys, fileStamp: stamp)
    }

    /// Loads the JWKS from either source: for a URL, the first fetch must succeed.
    public static func start(
        settings: JWTSettings, logger: Logger = Logger(label: "logbook.jwt")
    ) async throws(JWTConfigurationError) -> JWTAuthenticator {
        switch settings.jwks {
        case .file: return try JWTAuthenticator(settings: settings, logger: logger)
        case .url(let url, _):
            let keys = try await JWKSFetcher.fetch(url)
            return JWTAuthenticator(settings: settings, logger: logger, keys: keys, fileStamp: nil)
        }
    }

    private init(settings: JWTSettings, logger: Logger, keys: KeySet, fileStamp: FileStamp?) {
        self.settings = settings
        self.logger = logger
        Self.logLoaded(keys, source: settings.jwks.label, logger: logger)
        state = Mutex(LoadedKeys(keys: keys, fileStamp: fileStamp))
    }

    /// Re-reads a JWKS file when its size or modification time changed. On a bad file the last
    /// good key set stays in use and the reason is logged. Returns true when new keys were loaded.
    @discardableResult
    public func refresh() -> Bool {
        guard case .file(let path) = settings.jwks else { return false }
        let stamp = Self.stamp(path)
        guard state.withLock({ $0.fileStamp != stamp }) else { return false }
        do throws(JWTConfigurationError) {
            let keys = try KeySet.load(path: path)
            install(keys, fileStamp: stamp)
            return true
        } catch {
            // Remember the stamp so a bad file is reported once, not on every poll.
            state.withLock { $0.fileStamp = stamp }
            logger.error("JWKS reload failed; keeping the previous keys", metadata: ["reason": "\(error.message)"])
            return false
        }
    }

    /// Fetches a JWKS URL again; on any failure the last good key set stays in use and the
    /// reason is logged. Returns true when new keys were loaded.
    @discardableResult
    public func refetch() async -> Bool {
        guard case .url(let url, _) = settings.jwks else { return false }
        do throws(JWTConfigurationError) {
            install(try await JWKSFetcher.fetch(url), fileStamp: nil)
            return true
        } catch {
            logger.error("JWKS fetch failed; keeping the previous keys", metadata: ["reason": "\(error.message)"])
            return false
        }
    }

    /// Keeps the keys current until the task is cancelled, for the server's service group: a
    /// file is polled every `interval`, a URL fetched every `refresh` of its source.
    public func run(every interval: Duration = .seconds(10)) async {
        let period: Duration
        switch settings.jwks {
        case .file: period = interval
        case .url(_, let refresh): period = refresh
        }
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            switch settings.jwks {
            case .file: refresh()
            case .url: await refetch()
            }
        }
    }

    private func install(_ keys: KeySet, fileStamp: FileStamp?) {
        state.withLock { $0 = LoadedKeys(keys: keys, fileStamp: fileStamp) }
        Self.logLoaded(keys, source: settings.jwks.label, logger: logger)
    }

    /// The key ids currently loaded (for tests and diagnostics).
    public var keyIDs: [String?] { state.withLock { $0.keys.keys.map(\.kid) } }

    public func authenticate(_ credential: String, now: Int64) -> Result<Principal, CredentialRefusal>? {
        // Logbook's own tokens belong to the token authenticator.
        if credential.hasPrefix("lbk_") { return nil }
        return Result { () throws(CredentialRefusal) -> Principal in try verify(credential, now: now) }
    }

    private func verify(_ credential: String, now: Int64) throws(CredentialRefusal) -> Principal {
        guard credential.utf8.count <= settings.maxTokenBytes else { throw .malformed }
        let segments = credential.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard segments.count == 3,
            let headerData = base64URLDecode(segments[0]),
            let payloadData = base64URLDecode(segments[1]),
            let signature = base64URLDecode(segments[2]),
            let header = JSONValue.object(from: headerData)
        else { throw .malformed }

        // The algorithm: refused before any key is looked at, so `none` and HMAC never reach one.
        guard let alg = header["alg"]?.string else { throw .malformed }
        guard let algorithm = SignatureAlgorithm(rawValue: alg) else { throw .unsupportedAlgorithm }
        // RFC 7515 §4.1.11: extensions we do not understand must be refused.
        guard header["crit"] == nil else { throw .malformed }
        let candidates: [VerificationKey]
        let keys = state.withLock { $0.keys.keys }
        if let kidValue = header["kid"] {
            guard let kid = kidValue.string else { throw .malformed }
            let named = keys.filter { $0.kid == kid }
            guard !named.isEmpty else { throw .unknown }
            // A key is used only with its own algorithm.
            candidates = named.filter { $0.algorithm == algorithm }
            guard !candidates.isEmpty else { throw .unsupportedAlgorithm }
        } else {
            candidates = keys.filter { $0.algorithm == algorithm }
            guard !candidates.isEmpty else { throw .unknown }
        }
        let signingInput = Data("\(segments[0]).\(segments[1])".utf8)
        guard candidates.contains(where: { $0.isValidSignature(signature, for: signingInput) }) else {
            throw .badSignature
        }

        // Claims are read only once the signature holds.
        guard let claims = JSONValue.object(from: payloadData) else { throw .malformed }
        try checkTimes(claims, now: now)
        guard claims["iss"]?.string == settings.issuer else { throw .wrongIssuer }
        switch claims["aud"] {
        case .string(let audience)? where audience == settings.audience: break
        case .array(let audiences)? where audiences.contains(where: { $0.string == settings.audience }): break
        default: throw .wrongAudience
        }
        guard let subject = claims["sub"]?.string, !subject.isEmpty else { throw .malformed }
        guard let roleName = claims[settings.roleClaim]?.string, let role = Role(rawValue: roleName) else {
            throw .missingRole
        }
        let name = claims["email"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? subject
        return Principal(source: .jwt, name: name, role: role)
    }

    /// `exp` is required; `nbf` and `iat` are checked when present. Seconds, with the skew.
    private func checkTimes(_ claims: [String: JSONValue], now: Int64) throws(CredentialRefusal) {
        let nowSeconds = Double(now) / 1000
        let skew =
            Double(settings.clockSkew.components.seconds)
            + Double(settings.clockSkew.components.attoseconds) / 1e18
        guard let exp = claims["exp"]?.number else { throw .malformed }
        guard nowSeconds < exp + skew else { throw .expired }
        if let nbfValue = claims["nbf"] {
            guard let nbf = nbfValue.number else { throw .malformed }
            guard nbf <= nowSeconds + skew else { throw .notYetValid }
        }
        if let iatValue = claims["iat"] {
            guard let iat = iatValue.number else { throw .malformed }
            guard iat <= nowSeconds + skew else { throw .notYetValid }
        }
    }

    private static func stamp(_ path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return FileStamp(modified: attributes[.modificationDate] as? Date, size: attributes[.size] as? Int)
    }

    private static func logLoaded(_ keys: KeySet, source: String, logger: Logger) {
        logger.info("JWKS loaded", metadata: ["source": "\(source)", "keys": "\(keys.keys.count)"])
        for line in keys.skipped {
            logger.warning("JWKS key ignored", metadata: ["key": "\(line)"])
        }
    }
}
