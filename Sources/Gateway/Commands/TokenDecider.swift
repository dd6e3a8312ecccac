/// Decides token commands against the registry: a name follows the resource name rule, an
/// active name cannot be issued again, and only an existing, unrevoked token can be revoked.
public enum TokenDecider {
    public static func issue(_ grant: TokenGrant, registry: TokenRegistry, now: Int64) throws(ValidationError)
        -> GatewayEvent
    {
        guard Validator.isValidName(grant.name) else {
            throw .invalid(
                "name", "\(ValidationError.quote(grant.name)) is not a valid token name: \(NameRule.summary)")
        }
        if let expiresAt = grant.expiresAt, expiresAt <= now {
            throw .invalid("expires_at", "the token would already be expired")
        }
        if let entry = registry.entries[grant.name], entry.state(now: now) == "active" {
            throw ValidationError(
                code: .duplicate, field: "name",
                message: "a token named '\(grant.name)' is active; revoke it first or choose another name")
        }
        return .tokenIssued(grant)
    }

    public static func revoke(_ name: String, registry: TokenRegistry) throws(ValidationError) -> GatewayEvent {
        guard let entry = registry.entries[name] else {
            throw ValidationError(
                code: .notFound, field: "name", message: "no token named \(ValidationError.quote(name))")
        }
        guard !entry.revoked else {
            throw ValidationError(code: .conflict, field: "name", message: "the token '\(name)' is already revoked")
        }
        return .tokenRevoked(name: name)
    }
}
