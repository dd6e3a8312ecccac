/// When the API asks for a bearer token (see README, "Authentication").
public enum AuthenticationMode: String, Sendable, CaseIterable {
    /// On as soon as the log holds a token that was ever issued; off before.
    case automatic
    /// Always on, even with no token yet (then only the probes answer).
    case required
    /// Never on (`serve --auth off --insecure`).
    case off
}
