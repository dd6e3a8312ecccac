import ArgumentParser
import Foundation
import PKI

/// `logbook pki`: a local certificate authority for development, for xDS over mutual TLS.
struct PKICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki",
        abstract: "A local CA for development: Envoy client certificates and the control plane's server certificate.",
        subcommands: [PKIInit.self, PKIIssue.self])
}

/// `--dir`, shared by `pki init` and `pki issue`.
struct PKIDirectoryOption: ParsableArguments {
    @Option(
        name: .customLong("dir"),
        help: "The PKI's directory (default: $LOGBOOK_PKI_DIR, else .logbook/pki).")
    var path: String?

    var resolved: PKIDirectory {
        PKIDirectory(path: path ?? ProcessInfo.processInfo.environment["LOGBOOK_PKI_DIR"] ?? ".logbook/pki")
    }
}

struct PKIInit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a CA: a P-256 key (ca-key.pem, mode 0600) and its certificate (ca.pem).")

    @OptionGroup var directory: PKIDirectoryOption
    @Option(help: "The CA's lifetime in days, \(Lifetime.caDays.lowerBound)...\(Lifetime.caDays.upperBound).")
    var days = Lifetime.defaultCADays
    @Flag(help: "Replace an existing CA; certificates it issued stop verifying.") var force = false

    func run() async throws {
        try await reportingErrors {
            let ca = try LocalCA.create(days: days)
            let files = try directory.resolved.write(ca, force: force)
            var out = Output()
            defer { out.flush() }
            report(files, to: &out)
            out.line("subject CN=\(LocalCA.commonName)")
            out.line("expires \(ca.certificate.notValidAfter.formatted(.iso8601))")
        }
    }
}

struct PKIIssue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Make a certificate and key signed by the CA: <name>.pem and <name>-key.pem (mode 0600).",
        discussion: """
            The kind follows from the options:
              issue proxy-1
                  a client certificate (clientAuth) for the Envoy whose node id
                  is proxy-1: identity spiffe://logbook/proxy/proxy-1
              issue proxy-1 --fleet edge
                  a client certificate for a member of the fleet (node cluster)
                  edge: identity spiffe://logbook/fleet/edge, files proxy-1*.pem
              issue control-plane --dns localhost --ip 127.0.0.1
                  a server certificate (serverAuth): any --dns or --ip makes one
            """)

    @Argument(help: "The certificate's name: the proxy's node id, or the file name for a fleet member or server.")
    var name: String
    @Option(help: "Make a fleet member's certificate: the identity names this fleet (node cluster).")
    var fleet: String?
    @Option(help: "A DNS name for a server certificate (repeatable).") var dns: [String] = []
    @Option(help: "An IPv4 or IPv6 address for a server certificate (repeatable).") var ip: [String] = []
    @Option(
        help: """
            The lifetime in days, \(Lifetime.leafDays.lowerBound)...\(Lifetime.leafDays.upperBound) \
            (default \(Lifetime.defaultLeafDays), or until the CA expires if that is sooner).
            """)
    var days: Int?
    @OptionGroup var directory: PKIDirectoryOption
    @Flag(help: "Replace an existing certificate and key of this name.") var force = false

    func run() async throws {
        try await reportingErrors {
            // Every input is checked before the CA is read, and the CA before anything is written.
            let request = try LeafRequest(name: name, fleet: fleet, dnsNames: dns, ipAddresses: ip, days: days)
            let pki = directory.resolved
            let leaf = try pki.loadCA().issue(request)
            let files = try pki.write(leaf, force: force)
            var out = Output()
            defer { out.flush() }
            report(files, to: &out)
            switch leaf.profile {
            case .client(let identity):
                out.line("identity \(identity.uri) (clientAuth)")
            case .server(let dnsNames, let ipAddresses):
                out.line(
                    "server names \((dnsNames + ipAddresses.map(\.description)).joined(separator: ", ")) (serverAuth)")
            }
            out.line("expires \(leaf.certificate.notValidAfter.formatted(.iso8601))")
        }
    }
}

/// The paths written and their modes; never their contents.
private func report(_ files: [WrittenFile], to out: inout Output) {
    for file in files {
        out.line(
            "wrote \(file.path) (\(file.isPrivateKey ? "private key" : "certificate"), mode \(String(file.mode, radix: 8)))"
        )
    }
}
