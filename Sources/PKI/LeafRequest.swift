import Foundation
import Gateway

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a leaf certificate is for.
public enum LeafProfile: Hashable, Sendable {
    /// An Envoy's client certificate: clientAuth, its identity as the one URI SAN.
    case client(WorkloadIdentity)
    /// The control plane's server certificate: serverAuth, DNS and IP SANs.
    case server(dnsNames: [String], ipAddresses: [IPAddress])
}

/// An IPv4 or IPv6 address for an IP SAN, in its canonical text and its network bytes.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let description: String

    public init(_ text: String) throws(PKIError) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            throw PKIError(field: "--ip", "\(WorkloadIdentity.quoted(text)) is not an IPv4 or IPv6 address")
        }
        description = Self.text(of: bytes)
    }

    static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A checked request for a leaf: every input is validated here, before any file is read or written.
public struct LeafRequest: Hashable, Sendable {
    /// The subject's common name and the files' base name (`<name>.pem`, `<name>-key.pem`).
    public let name: String
    public let profile: LeafProfile
    /// The lifetime asked for; nil takes the default, cut short where the CA expires sooner.
    public let days: Int?

    /// A name with DNS names or IP addresses makes a server certificate; with a fleet, a fleet
    /// member's client certificate (identity `fleet/<fleet>`); otherwise a proxy's (`proxy/<name>`).
    public init(
        name: String, fleet: String? = nil, dnsNames: [String] = [], ipAddresses: [String] = [],
        days: Int? = nil
    ) throws(PKIError) {
        try WorkloadIdentity.checkName(name, field: "NAME")
        // `ca` would be written over the CA's own files, and `<x>-key` over the key of a leaf `<x>`.
        if name == "ca" || name.hasSuffix("-key") {
            throw PKIError(
                field: "NAME",
                "\(WorkloadIdentity.quoted(name)) is reserved: its files would collide with the CA's or another key's")
        }
        if let days { try Lifetime.check(days, in: Lifetime.leafDays, what: "a leaf certificate") }
        let isServer = !dnsNames.isEmpty || !ipAddresses.isEmpty
        if let fleet {
            guard !isServer else {
                throw PKIError(field: "--fleet", "a fleet member's client certificate takes no --dns or --ip")
            }
            profile = .client(try WorkloadIdentity(fleet: fleet))
        } else if isServer {
            var dns: [String] = []
            for host in dnsNames {
                guard NameRule.isDNSName(host) else {
                    throw PKIError(field: "--dns", "\(WorkloadIdentity.quoted(host)) is not a DNS name")
                }
                if !dns.contains(host) { dns.append(host) }
            }
            var ips: [IPAddress] = []
            for text in ipAddresses {
                let address = try IPAddress(text)
                if !ips.contains(address) { ips.append(address) }
            }
            profile = .server(dnsNames: dns, ipAddresses: ips)
        } else {
            profile = .client(try WorkloadIdentity(proxy: name))
        }
        self.name = name
        self.days = days
    }
}
