import EventLog
import Foundation

/// Durable appends against the raw LMDB transactions they cost at least.
struct AppendBenchmarks {
    let root: String
    let rounds: Int
    let valueSize: Int
    let singleCount = 1000
    let batchTransactions = 100

    func run(_ input: BenchReport) async throws -> BenchReport {
        var report = input
        let raw = try RawLMDB(path: root + "/raw-appends")
        let store = try LMDBEventStore(directory: root + "/appends")
        defer { store.close() }
        let event = probeEvent(for: store)
        let value = [UInt8](repeating: 0x5a, count: valueSize)

        var rawSingleP50 = [Double](), rawSingleP99 = [Double](), rawBatchRate = [Double]()
        var oursSingleP50 = [Double](), oursSingleP99 = [Double](), oursSingleRate = [Double]()
        var concurrentRates: [Int: [Double]] = [1: [], 8: [], 64: []]
        for round in 1...rounds {
            note("round \(round) of \(rounds)")
            var latencies = [Double]()
            for _ in 0..<singleCount {
                let start = now()
                try raw.commitPuts(1, value: value)
                latencies.append(now() - start)
            }
            rawSingleP50.append(percentile(latencies, 50) * 1e6)
            rawSingleP99.append(percentile(latencies, 99) * 1e6)

            latencies.removeAll()
            let singleStart = now()
            for _ in 0..<singleCount {
                let start = now()
                _ = try await store.append(AppendRequest(events: [event], actor: "bench", requestID: "single"))
                latencies.append(now() - start)
            }
            oursSingleRate.append(Double(singleCount) / (now() - singleStart))
            oursSingleP50.append(percentile(latencies, 50) * 1e6)
            oursSingleP99.append(percentile(latencies, 99) * 1e6)

            let batchStart = now()
            for _ in 0..<batchTransactions { try raw.commitPuts(64, value: value) }
            rawBatchRate.append(Double(batchTransactions * 64) / (now() - batchStart))

            for appenders in [1, 8, 64] {
                concurrentRates[appenders]!.append(try await concurrent(store, event, appenders: appenders))
            }
        }
        report.add("raw LMDB single-put durable txn p50", rawSingleP50, "µs")
        report.add("raw LMDB single-put durable txn p99", rawSingleP99, "µs")
        report.add("raw LMDB 64-put durable txn", rawBatchRate, "events/s")
        report.add("durable single-event append p50", oursSingleP50, "µs")
        report.add("durable single-event append p99", oursSingleP99, "µs")
        report.add("durable single-event appends", oursSingleRate, "events/s")
        for appenders in [1, 8, 64] {
            report.add("\(appenders) concurrent appenders (group commit)", concurrentRates[appenders]!, "events/s")
        }
        let singleRatio =
            report.value("durable single-event append p50") / report.value("raw LMDB single-put durable txn p50")
        report.compare(
            "single durable append p50 / raw single-put txn p50",
            ours: "durable single-event append p50", baseline: "raw LMDB single-put durable txn p50",
            ratio: singleRatio, target: "<= 1.5", met: singleRatio <= 1.5)
        let groupRatio =
            report.value("64 concurrent appenders (group commit)") / report.value("raw LMDB 64-put durable txn")
        report.compare(
            "64 concurrent appenders / raw 64-put txn rate",
            ours: "64 concurrent appenders (group commit)", baseline: "raw LMDB 64-put durable txn",
            ratio: groupRatio, target: ">= 0.40", met: groupRatio >= 0.40)
        return report
    }

    /// An event whose stored envelope is `valueSize` bytes, like the baseline's values.
    private func probeEvent(for store: LMDBEventStore) -> NewEvent {
        var event = NewEvent(
            kind: .configuration, type: "BenchProbe", schemaVersion: 1, entities: ["bench/probe"], payload: [])
        let overhead = 1 + 1 + 8 + 8 + 2 + (2 + 10) + (2 + 5) + (2 + 6) + 2 + (2 + 11) + 4 + 64
        event.payload = [UInt8](repeating: 0x61, count: max(valueSize - overhead, 0))
        return event
    }

    /// `appenders` tasks, each appending one event and awaiting its durability, in a loop.
    private func concurrent(_ store: LMDBEventStore, _ event: NewEvent, appenders: Int) async throws -> Double {
        let perAppender = max(6400 / appenders, 200)
        let start = now()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<appenders {
                group.addTask {
                    for _ in 0..<perAppender {
                        _ = try await store.append(AppendRequest(events: [event], actor: "bench", requestID: "group"))
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(perAppender * appenders) / (now() - start)
    }
}
