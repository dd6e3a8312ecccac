import Foundation
import TestSupport

/// `logbook serve` as a user runs it, on free ports over a data directory.
final class LogbookServe: Sendable {
    let child: ChildProcess
    let httpPort: Int
    let xdsPort: Int
    var api: String { "http://127.0.0.1:\(httpPort)" }

    /// Starts the server; `xdsPort` 0 picks a free port. Returns once the API answers.
    init(dataDir: String, xdsPort: Int = 0, extra: [String] = [], log: String) async throws {
        child = try ChildProcess(
            executable: logbookExecutable,
            arguments: ["serve", "--data-dir", dataDir, "--http-port", "0", "--xds-port", String(xdsPort)] + extra,
            logPath: log)
        let ports = try await eventually(within: .seconds(20), "logbook serve reports its ports") { [child] in
            Self.ports(in: child.log)
        }
        (httpPort, self.xdsPort) = ports
    }

    /// "serving the HTTP API on http://127.0.0.1:P and xDS on 127.0.0.1:Q ..."
    static func ports(in log: String) -> (Int, Int)? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("and xDS on") }),
            let http = port(after: "http://127.0.0.1:", in: line), let xds = port(after: "xDS on 127.0.0.1:", in: line)
        else { return nil }
        return (http, xds)
    }

    private static func port(after marker: String, in line: Substring) -> Int? {
        guard let range = line.range(of: marker) else { return nil }
        return Int(line[range.upperBound...].prefix(while: \.isNumber))
    }

    func stop() async { await child.stop() }
}

/// A real Envoy from the virtual environment (or ENVOY_BIN), bootstrapped to our xDS server.
final class Envoy: Sendable {
    let child: ChildProcess
    let adminPort: Int
    let nodeID: String

    static var executable: String {
        ProcessInfo.processInfo.environment["ENVOY_BIN"] ?? repositoryRoot.appendingPathComponent(".venv/bin/envoy").path
    }

    init(nodeID: String, cluster: String = "gateway", xdsPort: Int, delta: Bool = false, directory: String) async throws {
        self.nodeID = nodeID
        adminPort = freePort()
        let bootstrap = directory + "/\(nodeID).yaml"
        try Self.bootstrap(nodeID: nodeID, cluster: cluster, adminPort: adminPort, xdsPort: xdsPort, delta: delta)
            .write(toFile: bootstrap, atomically: true, encoding: .utf8)
        child = try ChildProcess(
            executable: Self.executable,
            arguments: ["-c", bootstrap, "--disable-hot-restart", "-l", "warning", "--drain-time-s", "1"],
            logPath: directory + "/\(nodeID).log")
        let admin = "http://127.0.0.1:\(adminPort)"
        _ = try await eventually(within: .seconds(20), "Envoy \(nodeID) admin answers") {
            try await HTTP.get(admin + "/ready").status == 200 ? true : nil
        }
    }

    /// The same bootstrap as ops/envoy/proxy-N.yaml, with the test's ports.
    static func bootstrap(nodeID: String, cluster: String, adminPort: Int, xdsPort: Int, delta: Bool) -> String {
        """
        node: {id: \(nodeID), cluster: \(cluster)}
        admin:
          address: {socket_address: {address: 127.0.0.1, port_value: \(adminPort)}}
        dynamic_resources:
          ads_config:
            api_type: \(delta ? "DELTA_GRPC" : "GRPC")
            transport_api_version: V3
            set_node_on_first_message_only: true
            grpc_services: [{envoy_grpc: {cluster_name: logbook_xds}}]
          cds_config: {ads: {}, resource_api_version: V3}
          lds_config: {ads: {}, resource_api_version: V3}
        static_resources:
          clusters:
          - name: logbook_xds
            type: STATIC
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: logbook_xds
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: \(xdsPort)}}}}]}]

        """
    }

    /// The version_info Envoy reports for its dynamic route configuration `name`.
    func routeVersion(_ name: String) async throws -> String? {
        let dump = try await HTTP.get("http://127.0.0.1:\(adminPort)/config_dump?resource=dynamic_route_configs").json
        let configs = dump["configs"] as? [[String: Any]] ?? []
        for config in configs {
            let route = config["route_config"] as? [String: Any]
            if route?["name"] as? String == name { return config["version_info"] as? String }
        }
        return nil
    }

    /// Envoy keeps nothing worth a graceful stop in a test.
    func stop() async { await child.stop(signal: SIGKILL) }
}

/// A tiny HTTP backend that answers every request with its own name.
final class Backend: Sendable {
    let child: ChildProcess
    let port: Int
    let name: String

    init(name: String, directory: String) async throws {
        self.name = name
        port = freePort()
        let script = """
            import http.server, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    body = sys.argv[2].encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
            """
        let path = directory + "/backend-\(name).py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        child = try ChildProcess(
            executable: "/usr/bin/python3", arguments: [path, String(port), name],
            logPath: directory + "/backend-\(name).log")
        let url = "http://127.0.0.1:\(port)/"
        _ = try await eventually(within: .seconds(10), "backend \(name) answers") {
            try await HTTP.get(url).text == name ? true : nil
        }
    }

    var endpoint: String { "127.0.0.1:\(port)" }

    func stop() async { await child.stop(signal: SIGKILL) }
}
