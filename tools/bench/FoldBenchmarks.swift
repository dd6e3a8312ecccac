import EventLog
import Foundation
import Gateway
import LogbookCore

/// Folding a large generated log, and rebuilding the state at random versions from checkpoints.
struct FoldBenchmarks {
    let root: String
    let events: Int
    let rounds: Int

    func run(_ input: BenchReport) async throws -> BenchReport {
        var report = input
        let store = try LMDBEventStore(directory: root + "/fold")
        defer { store.close() }
        let generated = try await LogGenerator(services: 1000, routes: 5000).write(events: events, to: store)
        report.add("generated log: mean payload", [generated.meanPayload], "bytes")
        report.add("generated log: events", [Double(store.head)], "events")

        let logbook = try Logbook(store: store, checkpointInterval: 1000)
        let checkpointStart = now()
        let checkpoints = try await logbook.writeMissingCheckpoints()
        report.add("writing \(checkpoints) checkpoints (a full fold + encode)", [now() - checkpointStart], "s")

        let raw = try RawLMDB(path: root + "/fold")
        var foldRates = [Double](), scanRates = [Double]()
        for _ in 0..<max(rounds, 3) {
            let scanStart = now()
            let scanned = try raw.scanAll()
            scanRates.append(Double(scanned) / (now() - scanStart))
            let start = now()
            let state = try logbook.projection.fold(GatewayState(), through: store.head)
            foldRates.append(Double(store.head) / (now() - start))
            precondition(state.head == store.head && state.services.count == 1000 && state.routes.count == 5000)
        }
        report.add("raw LMDB cursor scan of the same log", scanRates, "events/s")
        report.add("fold the whole log into state", foldRates, "events/s")
        let foldRate = report.value("fold the whole log into state")
        report.compare(
            "fold rate (absolute target; ratio against the raw cursor scan)",
            ours: "fold the whole log into state", baseline: "raw LMDB cursor scan of the same log",
            ratio: foldRate / report.value("raw LMDB cursor scan of the same log"),
            target: ">= 1,000,000 events/s", met: foldRate >= 1_000_000)

        var generator = SplitMix64(seed: 42)
        var latencies = [Double]()
        for _ in 0..<1000 {
            let version = generator.next() % store.head + 1
            let start = now()
            let state = try logbook.projection.state(at: version)
            latencies.append((now() - start) * 1000)
            precondition(state.head == version)
        }
        report.add("state at a random version, p50", [percentile(latencies, 50)], "ms")
        report.add("state at a random version, p99", [percentile(latencies, 99)], "ms")
        let p99 = percentile(latencies, 99)
        report.compare(
            "state at any version p99 (absolute target)", ours: "state at a random version, p99",
            baseline: "-", ratio: p99 / 20, target: "< 20 ms", met: p99 < 20)
        return report
    }
}

/// A deterministic pseudo-random source, so every bench run folds the same log.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes the bench workload: services and routes registered, then mostly updates.
struct LogGenerator {
    let services: Int
    let routes: Int

    func write(events total: Int, to store: LMDBEventStore) async throws -> (count: Int, meanPayload: Double) {
        var random = SplitMix64(seed: 7)
        var batch = [NewEvent]()
        var payloadBytes = 0
        var written = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            _ = try await store.append(AppendRequest(events: batch, actor: "bench", requestID: "generate"))
            written += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        for index in 0..<total {
            let event: GatewayEvent
            if index < services {
                event = .serviceRegistered(service(index, revision: 0))
            } else if index < services + routes {
                event = .routeAdded(route(index - services, revision: 0))
            } else if random.next() % 5 == 0 {
                event = .serviceUpdated(service(Int(random.next() % UInt64(services)), revision: index))
            } else {
                event = .routeChanged(route(Int(random.next() % UInt64(routes)), revision: index))
            }
            let payload = event.encodePayload()
            payloadBytes += payload.count
            batch.append(
                NewEvent(
                    kind: .configuration, type: event.type, schemaVersion: event.schemaVersion,
                    entities: event.entities, payload: payload))
            if batch.count == 2000 { try await flush() }
        }
        try await flush()
        return (written, Double(payloadBytes) / Double(max(total, 1)))
    }

    private func service(_ index: Int, revision: Int) -> Service {
        Service(
            name: "service-\(index)", protocol: index % 3 == 0 ? .grpc : .http1,
            endpoints: (0..<3).map { Endpoint(host: "10.0.\(index % 250).\($0 + 1)", port: 8000 + revision % 1000) },
            lbPolicy: .roundRobin, connectTimeout: .milliseconds(Int64(1000 + revision % 4000)),
            healthCheck: HealthCheck(path: "/health"), circuitBreakers: CircuitBreakers())
    }

    /// About 150 bytes of payload: a header match, a retry policy and CORS, like a real edge route.
    private func route(_ index: Int, revision: Int) -> Route {
        Route(
            name: "route-\(index)", listener: .http,
            match: RouteMatch(
                prefix: "/api/v1/resource-\(index)/",
                headers: [HeaderMatch(name: "x-tenant", exact: "tenant-\(index % 97)")]),
            destination: .service("service-\(index % services)"),
            timeout: .milliseconds(Int64(1000 + revision % 29_000)),
            retryPolicy: RetryPolicy(retryOn: "5xx,reset", numRetries: 2, perTryTimeout: .seconds(2)),
            cors: CorsPolicy(
                allowOrigins: ["https://app.example.com"], allowMethods: ["GET", "POST"],
                allowHeaders: ["content-type", "authorization"]))
    }
}
