import ArgumentParser
import Foundation

/// Everything the command line decides. Validation lives here so the rest can trust the values.
struct Options: ParsableArguments {
    @Option(help: "The ADS server, host:port (IPv4 address or host name).")
    var target = "127.0.0.1:18000"

    @Option(help: "How many ADS streams, each a distinct Envoy node.")
    var streams = 100

    @Option(help: "sotw (StreamAggregatedResources) or delta (DeltaAggregatedResources).")
    var mode: ADSMode = .sotw

    @Option(
        help: ArgumentHelp(
            "ADS streams that share one HTTP/2 connection.",
            discussion: """
                The default, 1, gives every stream its own connection, as separate Envoys have. \
                A larger value multiplexes streams onto fewer connections, which costs the \
                generator (and the server) less memory per stream but is not what a fleet does.
                """))
    var streamsPerConnection = 1

    @Option(help: "node.id is <prefix>-<i>, for i in 0..<streams.")
    var nodePrefix = "xds-load"

    @Option(help: "node.cluster of every stream.")
    var fleet = "xds-load"

    @Option(help: "New streams started per second.")
    var connectRate = 2000

    @Option(help: "Streams that may be connecting (started, no response yet) at once.")
    var maxConnecting = 1000

    @Option(help: "Attempts per stream after its first one fails or drops.")
    var retries = 5

    @Option(help: "Seconds to wait until every stream has ACKed its initial CDS, EDS, LDS and RDS.")
    var connectTimeout = 120.0

    @Option(
        help: ArgumentHelp(
            "RouteConfiguration names to subscribe to, comma-separated, instead of reading them from listeners.",
            discussion: "Skips decoding HttpConnectionManager configs, which saves client CPU on big listener sets."))
    var rdsNames: String?

    @Option(help: "Measured pushes after the initial config is in.")
    var rounds = 5

    @Option(help: "The resource type whose new version a round waits for.")
    var watchType: ResourceType = .routes

    @Option(help: "Seconds a round may take from the trigger's answer until every stream ACKed.")
    var roundTimeout = 30.0

    @Option(help: "Seconds to rest between rounds.")
    var roundPause = 1.0

    @Option(name: .customLong("trigger-url"), help: "URL the trigger calls to change the configuration; {round} and {run} are substituted.")
    var triggerURL: String?

    @Option(help: "HTTP method of the trigger.")
    var triggerMethod = "POST"

    @Option(help: "Request body of the trigger; {round} and {run} are substituted.")
    var triggerBody: String?

    @Option(help: "Extra trigger header, 'Name: value'. Repeatable. Content-Type defaults to application/json.")
    var triggerHeader: [String] = []

    @Option(help: "Shell command the trigger runs instead of an HTTP call; {round} and {run} are substituted.")
    var triggerCommand: String?

    @Option(name: .customLong("server-pid"), help: "The control plane's process id, to read its memory and CPU time from /proc.")
    var serverPID: Int32?

    @Option(help: "Write the results as one JSON object to this file.")
    var output: String?

    @Option(help: "Seconds allowed for closing all streams at the end before they are cancelled.")
    var closeGrace = 5.0

    func validate() throws {
        guard streams >= 1 else { throw ValidationError("--streams must be at least 1") }
        guard streamsPerConnection >= 1 else { throw ValidationError("--streams-per-connection must be at least 1") }
        guard connectRate >= 1 else { throw ValidationError("--connect-rate must be at least 1") }
        guard maxConnecting >= 1 else { throw ValidationError("--max-connecting must be at least 1") }
        guard retries >= 0 else { throw ValidationError("--retries must not be negative") }
        guard rounds >= 0 else { throw ValidationError("--rounds must not be negative") }
        guard connectTimeout > 0, roundTimeout > 0, roundPause >= 0, closeGrace >= 0 else {
            throw ValidationError("timeouts must be positive and pauses not negative")
        }
        guard (try? ServerAddress(target)) != nil else {
            throw ValidationError("--target must be host:port, got '\(target)'")
        }
        if rounds > 0 {
            guard (triggerURL == nil) != (triggerCommand == nil) else {
                throw ValidationError("rounds need exactly one of --trigger-url and --trigger-command")
            }
        }
        if let triggerURL {
            let sample = triggerURL.replacingOccurrences(of: "{round}", with: "1").replacingOccurrences(of: "{run}", with: "x")
            guard let url = URL(string: sample), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("--trigger-url must be http://host[:port]/path, got '\(triggerURL)'")
            }
        }
        for header in triggerHeader where !header.contains(":") {
            throw ValidationError("--trigger-header must be 'Name: value', got '\(header)'")
        }
    }

    /// Route configuration names from --rds-names, or nil to read them from the listeners.
    var fixedRouteNames: [String]? {
        rdsNames.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }
}

enum ADSMode: String, ExpressibleByArgument, Codable, Sendable {
    case sotw
    case delta
}

extension ResourceType: ExpressibleByArgument {
    static var allValueDescriptions: [String: String] {
        [
            "cds": "Cluster", "eds": "ClusterLoadAssignment", "lds": "Listener",
            "rds": "RouteConfiguration",
        ]
    }
}

/// host:port of the ADS server.
struct ServerAddress: Sendable {
    let host: String
    let port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon != text.startIndex
        else { throw ValidationError("not host:port: \(text)") }
        self.host = String(text[..<colon])
        self.port = port
    }
}
