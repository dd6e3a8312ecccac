import Gateway

/// The one table of what each operation needs: the authentication middleware reads it, and
/// Sources/AdminAPI/openapi.json states the same role per operation (`x-logbook-role`); a test
/// holds the two together. Paths are written as the document writes them.
public enum OperationRoles {
    public struct Operation: Hashable, Sendable {
        public let method: String
        public let path: String
        public let role: Role
    }

    /// Answered without a credential: probes must work before anyone has a token.
    public static let open: Set<String> = ["GET /healthz", "GET /readyz"]

    public static let table: [Operation] = [
        // viewer: every read, the event stream, metrics and the document.
        .init(method: "GET", path: "/config", role: .viewer),
        .init(method: "GET", path: "/config/at", role: .viewer),
        .init(method: "GET", path: "/diff", role: .viewer),
        .init(method: "GET", path: "/events", role: .viewer),
        .init(method: "GET", path: "/events/stream", role: .viewer),
        .init(method: "GET", path: "/events/{seq}", role: .viewer),
        .init(method: "GET", path: "/metrics", role: .viewer),
        .init(method: "GET", path: "/openapi.json", role: .viewer),
        .init(method: "GET", path: "/proxies", role: .viewer),
        .init(method: "GET", path: "/proxies/{id}", role: .viewer),
        .init(method: "GET", path: "/proxies/{id}/history", role: .viewer),
        .init(method: "GET", path: "/routes", role: .viewer),
        .init(method: "GET", path: "/routes/{name}", role: .viewer),
        .init(method: "GET", path: "/services", role: .viewer),
        .init(method: "GET", path: "/services/{name}", role: .viewer),
        .init(method: "GET", path: "/state", role: .viewer),
        .init(method: "GET", path: "/status", role: .viewer),
        .init(method: "GET", path: "/versions", role: .viewer),
        // operator: change services, routes and proxies, pin and unpin.
        .init(method: "POST", path: "/services/add", role: .operator),
        .init(method: "PUT", path: "/services/{name}", role: .operator),
        .init(method: "DELETE", path: "/services/{name}", role: .operator),
        .init(method: "POST", path: "/routes/add", role: .operator),
        .init(method: "PUT", path: "/routes/{name}", role: .operator),
        .init(method: "DELETE", path: "/routes/{name}", role: .operator),
        .init(method: "POST", path: "/proxies/register", role: .operator),
        .init(method: "PUT", path: "/proxies/{id}", role: .operator),
        .init(method: "DELETE", path: "/proxies/{id}", role: .operator),
        .init(method: "POST", path: "/proxies/{id}/pin", role: .operator),
        .init(method: "DELETE", path: "/proxies/{id}/pin", role: .operator),
        // admin: rollback, reload and tokens.
        .init(method: "POST", path: "/config/rollback", role: .admin),
        .init(method: "POST", path: "/config/reload", role: .admin),
        .init(method: "GET", path: "/tokens", role: .admin),
        .init(method: "POST", path: "/tokens", role: .admin),
        .init(method: "DELETE", path: "/tokens/{name}", role: .admin),
    ]

    /// The role `method path` needs: the most specific entry (literal segments beat `{...}`).
    /// A path no entry matches (it will be a 404 or 405) needs the strictest role among the
    /// entries of that path with any method; failing that, viewer for a read and admin for
    /// anything else, so a path the router reads differently from this table is never cheaper.
    static func role(method: String, path: String) -> Role {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: (literals: Int, role: Role)?
        var samePath: Role?
        for operation in table {
            guard let literals = match(operation.path, segments) else { continue }
            samePath = max(samePath ?? .viewer, operation.role)
            guard operation.method == method else { continue }
            if best == nil || literals > best!.literals { best = (literals, operation.role) }
        }
        return best?.role ?? samePath ?? (method == "GET" || method == "HEAD" ? .viewer : .admin)
    }

    /// How many literal segments of `pattern` matched, or nil when it does not match.
    private static func match(_ pattern: String, _ segments: [Substring]) -> Int? {
        let parts = pattern.split(separator: "/")
        guard parts.count == segments.count else { return nil }
        var literals = 0
        for (part, segment) in zip(parts, segments) {
            if part.hasPrefix("{") { continue }
            guard part == segment else { return nil }
            literals += 1
        }
        return literals
    }
}
