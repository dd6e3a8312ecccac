/// Every token the log has issued, folded from `TokenIssued` and `TokenRevoked`. A pure fold
/// like `GatewayState`'s, kept beside it: tokens are not configuration, so they move neither
/// the configuration version nor the checkpoints. Expiry is checked against a `now` the caller
/// gives; the fold never reads the clock.
public struct TokenRegistry: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var grant: TokenGrant
        /// The sequence of its `TokenIssued` event.
        public var issuedSequence: UInt64
        public var revoked: Bool

        public init(grant: TokenGrant, issuedSequence: UInt64, revoked: Bool) {
            self.grant = grant
            self.issuedSequence = issuedSequence
            self.revoked = revoked
        }

        /// `active`, `revoked` or `expired` at `now` (ms since the epoch).
        public func state(now: Int64) -> String {
            if revoked { return "revoked" }
            if let expiresAt = grant.expiresAt, expiresAt <= now { return "expired" }
            return "active"
        }
    }

    /// By name; a name issued again after a revocation replaces its entry.
    public private(set) var entries: [String: Entry] = [:]
    /// Sequence of the last token event folded.
    public private(set) var head: UInt64 = 0

    public init() {}

    /// True once the log holds any token, even a revoked or expired one: from then on the API
    /// requires authentication.
    public var everIssued: Bool { !entries.isEmpty }

    public var sorted: [Entry] { entries.values.sorted { $0.grant.name < $1.grant.name } }

    /// Folds one event; every other event is ignored.
    public mutating func apply(_ event: GatewayEvent, seq: UInt64) {
        switch event {
        case .tokenIssued(let grant):
            entries[grant.name] = Entry(grant: grant, issuedSequence: seq, revoked: false)
            head = seq
        case .tokenRevoked(let name):
            entries[name]?.revoked = true
            head = seq
        default:
            return
        }
    }

    /// True when a token by that name may not be issued again: it exists and is not revoked.
    public func isActive(_ name: String, now: Int64) -> Bool {
        entries[name].map { $0.state(now: now) == "active" } ?? false
    }
}
