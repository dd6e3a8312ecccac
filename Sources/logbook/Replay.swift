import ArgumentParser
import Foundation
import Gateway
import LogbookCore
import LogbookServer
import XDS

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import an exported log into a scratch directory and show or serve any version of it.",
        discussion: """
            Without --serve, prints the version's configuration digest for each registered proxy: \
            replaying the same log always prints the same digests. With --serve, serves xDS (and the \
            HTTP API over the replayed log) at that version until SIGINT or SIGTERM.
            """)

    @Argument(help: "The .jsonl file from `logbook export`.") var file: String
    @Option(help: "The version to show or serve (a sequence number; default: the head).") var version: UInt64?
    @Flag(help: "Serve xDS at that version.") var serve = false
    @Option(help: "The scratch directory (must hold no log; default: a new temporary one).") var into: String?
    @Option(name: .customLong("http-port"), help: "The HTTP port with --serve (0 picks a free one).") var httpPort = 0
    @Option(name: .customLong("xds-port"), help: "The xDS port with --serve (0 picks a free one).") var xdsPort = 18000

    func validate() throws {
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0...65535") }
        guard (0...65535).contains(xdsPort) else { throw ValidationError("--xds-port must be 0...65535") }
    }

    func run() async throws {
        try await reportingErrors {
            let configuration = ServerConfiguration(
                api: .init(host: "127.0.0.1", port: httpPort), xdsHost: "127.0.0.1", xdsPort: xdsPort)
            // With --serve, busy ports are refused before anything is imported.
            if serve { try configuration.checkPorts() }
            let directory = into ?? NSTemporaryDirectory() + "logbook-replay-" + UUID().uuidString.lowercased()
            let replayed = try await ReplayedLog(file: file, directory: directory)
            defer { replayed.close() }
            let served = try replayed.resolve(version)
            let state = try replayed.logbook.projection.state(at: served)
            print(
                "replayed \(replayed.imported) event(s) into \(directory); version \(served): "
                    + "\(state.services.count) services, \(state.routes.count) routes, \(state.proxies.count) proxies")
            let store = try replayed.snapshotStore(at: served)
            for key in state.proxies.keys.sorted() {
                print("  \(key): resources sha256 \(store.snapshot(for: NodeIdentity(standingFor: key)).digest)")
            }
            guard serve else { return }
            var frozen = configuration
            frozen.frozenVersion = served
            try await LogbookServer.run(logbook: replayed.logbook, configuration: frozen) { ports, _ in
                FileHandle.standardError.write(
                    Data(
                        "logbook: serving the HTTP API on http://127.0.0.1:\(ports.http) and xDS on 127.0.0.1:\(ports.xds) (frozen at version \(served))\n"
                            .utf8))
            }
        }
    }
}
