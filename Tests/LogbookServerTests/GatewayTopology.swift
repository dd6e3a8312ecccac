import Foundation
import TestSupport

/// `logbook up --free-ports` as a user runs it, in a temporary directory: the control plane, the
/// demo backends and one Envoy per ops/envoy bootstrap. Ports and pids come from run/up.json.
final class GatewayTopology: Sendable {
    struct Proxy: Sendable {
        let id: String
        let http: Int
        let grpc: Int
        let admin: Int
    }

    let child: ChildProcess
    let directory: String
    let api: String
    let proxies: [Proxy]
    let restPorts: [Int]
    let pids: [String: Int32]

    static var binDir: String { URL(fileURLWithPath: logbookExecutable).deletingLastPathComponent().path }

    init(in directory: String, replicas: Int) async throws {
        self.directory = directory
        var arguments = [
            "up", "--free-ports", "--replicas", String(replicas), "--data-dir", directory + "/data",
            "--logs-dir", directory + "/logs", "--run-dir", directory + "/run",
            "--config", repositoryRoot.path + "/ops/gateway.yaml",
            "--bootstraps", repositoryRoot.path + "/ops/envoy",
            "--products", repositoryRoot.path + "/ops/data/products.csv", "--start-timeout", "90",
        ]
        arguments += ["--envoy", Envoy.executable]
        child = try ChildProcess(executable: logbookExecutable, arguments: arguments, logPath: directory + "/up.log")
        let runFile = directory + "/run/up.json"
        let json: [String: Any]
        do {
            json = try await eventually(within: .seconds(300), every: .milliseconds(200), "logbook up is ready") {
                [child] () -> [String: Any]? in
                if !child.process.isRunning { throw GiveUp("logbook up exited: \(child.log)") }
                guard let data = FileManager.default.contents(atPath: runFile) else { return nil }
                return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            }
        } catch {
            // SIGTERM, not the deinit's SIGKILL: `up` must live to stop the children it started.
            await child.stop(signal: SIGTERM, grace: .seconds(60))
            throw TestFailure("\(error)\n--- logbook up:\n\(child.log)")
        }
        let ports = json["ports"] as? [String: Any] ?? [:]
        api = "http://127.0.0.1:\(ports["api"] as? Int ?? 0)"
        proxies = (ports["proxies"] as? [[String: Any]] ?? []).compactMap {
            guard let id = $0["id"] as? String, let http = $0["http"] as? Int, let grpc = $0["grpc"] as? Int,
                let admin = $0["admin"] as? Int
            else { return nil }
            return Proxy(id: id, http: http, grpc: grpc, admin: admin)
        }
        restPorts = ports["rest"] as? [Int] ?? []
        pids = (json["pids"] as? [String: Int] ?? [:]).mapValues { Int32($0) }
    }

    var log: String { child.log }

    func accessLog(_ proxy: Proxy) -> String {
        (try? String(contentsOfFile: directory + "/logs/\(proxy.id).access.log", encoding: .utf8)) ?? ""
    }

    /// SIGTERM, as a user's Ctrl-C would be; `up` stops its children in reverse order.
    func stop() async { await child.stop(signal: SIGTERM, grace: .seconds(60)) }
}

/// A demo backend the test runs itself (a canary, a shadow, a flaky one), on a free port.
final class DemoBackend: Sendable {
    let child: ChildProcess
    let port: Int
    let instance: String

    init(_ executable: String, instance: String, port: Int = 0, extra: [String] = [], logDir: String) async throws {
        self.instance = instance
        child = try ChildProcess(
            executable: GatewayTopology.binDir + "/" + executable,
            arguments: ["--port", String(port), "--instance-name", instance] + extra,
            logPath: logDir + "/test-\(instance).log")
        // "<executable> listening on 127.0.0.1:PORT as INSTANCE"
        self.port = try await eventually(within: .seconds(30), "\(executable) \(instance) is listening") { [child] in
            guard let line = child.log.split(separator: "\n").first(where: { $0.contains(" listening on ") }),
                let range = line.range(of: "127.0.0.1:")
            else { return nil }
            return Int(line[range.upperBound...].prefix(while: \.isNumber))
        }
    }

    var endpoint: String { "127.0.0.1:\(port)" }

    func stop() async { await child.stop() }
}

/// Whether a process id is still alive (signal 0 checks without sending anything).
func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }
