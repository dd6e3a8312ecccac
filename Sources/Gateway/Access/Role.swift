/// What a caller may do. Each role may do everything the roles before it may:
/// `viewer` reads, `operator` also changes services, routes and proxies, `admin` also rolls
/// back, reloads, imports and manages tokens.
public enum Role: String, Codable, CaseIterable, Comparable, Sendable {
    case viewer
    case `operator`
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// True when this role may do what `required` may.
    public func allows(_ required: Role) -> Bool { self >= required }
}
