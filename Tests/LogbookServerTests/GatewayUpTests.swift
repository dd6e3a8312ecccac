import Foundation
import TestSupport
import Testing

/// `logbook up` refusing to start: nothing is left half-started.
@Suite("logbook up: start failures", .serialized, .timeLimit(.minutes(3)))
struct GatewayUpTests {
    /// Runs `logbook up --free-ports` in `directory` with `extra` options; returns (status, output).
    func up(in directory: String, _ extra: [String]) async throws -> (Int32, String) {
        let child = try ChildProcess(
            executable: logbookExecutable,
            arguments: [
                "up", "--free-ports", "--data-dir", directory + "/data", "--logs-dir", directory + "/logs",
                "--run-dir", directory + "/run", "--config", repositoryRoot.path + "/ops/gateway.yaml",
                "--bootstraps", repositoryRoot.path + "/ops/envoy",
                "--products", repositoryRoot.path + "/ops/data/products.csv", "--envoy", Envoy.executable,
            ] + extra,
            logPath: directory + "/up.log")
        do {
            _ = try await eventually(within: .seconds(120), every: .milliseconds(100), "logbook up exits") {
                child.process.isRunning ? nil : true
            }
        } catch {
            await child.stop(signal: SIGTERM, grace: .seconds(60))
            throw error
        }
        return (child.process.terminationStatus, child.log)
    }

    @Test("a port already in use is named with its component, and nothing starts")
    func portInUse() async throws {
        let directory = try TemporaryDirectory()
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, length) }
        }
        try #require(bound == 0 && listen(holder, 1) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))

        let (status, output) = try await up(in: directory.path, ["--xds-port", String(port)])
        #expect(status == 1)
        #expect(output.contains("port \(port) (control plane xDS) is already in use"), "\(output)")
        #expect(output.contains("nothing was started"))
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/logs")) ?? []
        #expect(logs.isEmpty, "no component wrote a log: \(logs)")
    }

    @Test("a component that dies while starting is named with its log, and the ones started before are stopped")
    func componentFails() async throws {
        let directory = try TemporaryDirectory()
        // Envoys start last: the control plane and every backend are running when the first one fails.
        let (status, output) = try await up(in: directory.path, ["--envoy", "/bin/false"])
        #expect(status == 1)
        #expect(output.contains("Envoy proxy-1 exited with status 1 while starting"), "\(output)")
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/logs")) ?? []
        #expect(logs.contains("control-plane.log") && logs.contains("grpc-1.log"), "they had started: \(logs)")
        // "stopped what had started: control plane (pid 12), demo-rest rest-1 (pid 13), ..."
        let pids = output.components(separatedBy: "(pid ").dropFirst().compactMap { Int32($0.prefix(while: \.isNumber)) }
        #expect(pids.count == 5, "control plane, rest, graphql, grpc and the failed Envoy: \(output)")
        for pid in pids { #expect(!isAlive(pid), "pid \(pid) was left running") }
    }

    @Test("bad options are refused before anything starts")
    func badOptions() async throws {
        let directory = try TemporaryDirectory()
        let (replicas, replicasOutput) = try await up(in: directory.path, ["--replicas", "0"])
        #expect(replicas != 0)
        #expect(replicasOutput.contains("--replicas must be 1...9"), "\(replicasOutput)")
        let (products, productsOutput) = try await up(in: directory.path, ["--products", directory.path + "/none.csv"])
        #expect(products == 1)
        #expect(productsOutput.contains("none.csv does not exist"), "\(productsOutput)")
        let (config, configOutput) = try await up(in: directory.path, ["--config", directory.path + "/missing.yaml"])
        #expect(config == 1)
        #expect(configOutput.contains("missing.yaml"), "\(configOutput)")
    }
}
