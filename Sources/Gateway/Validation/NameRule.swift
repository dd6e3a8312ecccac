/// The name and host rules of `Validator`, for modules that check names outside a resource: the
/// local PKI (Sources/PKI) writes proxy and fleet names into certificates, and a name the log
/// would refuse could never match a node.
public enum NameRule {
    /// What a valid name looks like, for error messages.
    public static let summary = "use [A-Za-z0-9_.-], 1 to 63 characters, starting and ending with a letter or digit"

    /// A service, route, proxy (node id) or fleet (node cluster) name.
    public static func isValidName(_ name: String) -> Bool { Validator.isValidName(name) }

    /// A DNS host name (letters, digits and hyphens in dot-separated labels; not all-numeric).
    public static func isDNSName(_ host: String) -> Bool { Validator.isDNSName(host) }
}
