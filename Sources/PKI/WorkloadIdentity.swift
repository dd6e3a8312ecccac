import Gateway
import X509

/// Who a client certificate speaks for: one proxy (an Envoy node id) or a fleet (an Envoy node
/// cluster whose members share configuration). It travels as a SPIFFE-style URI SAN:
/// `spiffe://logbook/proxy/<id>` or `spiffe://logbook/fleet/<name>`.
public enum WorkloadIdentity: Hashable, Sendable, CustomStringConvertible {
    case proxy(String)
    case fleet(String)

    /// The SPIFFE trust domain of every Logbook identity.
    public static let trustDomain = "logbook"
    static let prefix = "spiffe://\(trustDomain)/"

    /// Checks the name: the proxy and fleet names a certificate carries follow the rule the log
    /// applies to proxies (Sources/Gateway/Validation/NameRule.swift), so every identity can match a node.
    public init(proxy id: String) throws(PKIError) {
        try Self.checkName(id, field: "NAME")
        self = .proxy(id)
    }

    public init(fleet name: String) throws(PKIError) {
        try Self.checkName(name, field: "--fleet")
        self = .fleet(name)
    }

    /// Parses `spiffe://logbook/proxy/<id>` or `spiffe://logbook/fleet/<name>` exactly: no other
    /// trust domain, kind, extra path segment, query, fragment, port or user part.
    public init(uri: String) throws(PKIError) {
        guard uri.hasPrefix(Self.prefix) else {
            throw PKIError(field: "identity", "\(Self.quoted(uri)) is not a \(Self.prefix) URI")
        }
        let path = uri.dropFirst(Self.prefix.count)
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw PKIError(field: "identity", "\(Self.quoted(uri)) must be \(Self.prefix)proxy/<id> or fleet/<name>")
        }
        let name = String(parts[1])
        guard NameRule.isValidName(name) else {
            throw PKIError(field: "identity", "\(Self.quoted(uri)) has an invalid name: \(NameRule.summary)")
        }
        switch parts[0] {
        case "proxy": self = .proxy(name)
        case "fleet": self = .fleet(name)
        default:
            throw PKIError(field: "identity", "\(Self.quoted(uri)) must be \(Self.prefix)proxy/<id> or fleet/<name>")
        }
    }

    /// The URI SAN this identity is written as.
    public var uri: String {
        switch self {
        case .proxy(let id): "\(Self.prefix)proxy/\(id)"
        case .fleet(let name): "\(Self.prefix)fleet/\(name)"
        }
    }

    public var description: String { uri }

    /// Whether an Envoy presenting this identity may speak for the node it announces: a proxy
    /// identity names the node id, a fleet identity the node cluster.
    public func matches(nodeID: String, nodeCluster: String?) -> Bool {
        switch self {
        case .proxy(let id): id == nodeID
        case .fleet(let name): name == nodeCluster
        }
    }

    /// The one Logbook identity in a certificate's URI SANs. URIs of other schemes or trust
    /// domains are ignored; a malformed Logbook URI, none at all, or more than one (even two equal
    /// ones) is refused, so a certificate never speaks for two workloads. This reads the
    /// certificate only: the caller checks the chain, the validity period and the clientAuth EKU.
    public init(certificate: Certificate) throws(PKIError) {
        let uris: [String]
        do {
            let names = try certificate.extensions.subjectAlternativeNames.map(Array.init) ?? []
            uris = names.compactMap { name -> String? in
                if case .uniformResourceIdentifier(let uri) = name { return uri }
                return nil
            }
        } catch {
            throw PKIError(field: "identity", "the certificate's subjectAltName extension cannot be read")
        }
        // The SPIFFE scheme and trust domain are case-insensitive in URI syntax: a differently cased
        // Logbook URI is refused rather than ignored.
        let ours = uris.filter { uri in
            let lowered = uri.lowercased()
            return lowered.hasPrefix(Self.prefix) || lowered == "spiffe://\(Self.trustDomain)"
        }
        guard let first = ours.first else {
            throw PKIError(field: "identity", "the certificate has no \(Self.prefix) URI SAN")
        }
        guard ours.count == 1 else {
            throw PKIError(
                field: "identity", "the certificate carries \(ours.count) Logbook identities; exactly one is allowed")
        }
        try self.init(uri: first)
    }

    static func checkName(_ name: String, field: String) throws(PKIError) {
        guard NameRule.isValidName(name) else {
            throw PKIError(field: field, "invalid name \(quoted(name)): \(NameRule.summary)")
        }
    }

    /// A value quoted for an error line, with control characters escaped so it stays one line,
    /// and cut at 100 characters so a hostile value cannot flood the terminal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars.prefix(100) {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else if scalar == "\"" || scalar == "\\" {
                out += "\\\(scalar)"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + (text.unicodeScalars.count > 100 ? "…\"" : "\"")
    }
}
