import Foundation

/// One run: connect the fleet, wait for its initial config, time the rounds, close, and report.
struct LoadRun<Driver: StreamDriver> {
    private let options: Options
    private let fleet: Fleet<Driver>
    private let ledger: FleetLedger
    private let trigger: Trigger?
    private let server: ProcessProbe?

    init(options: Options, makeDriver: @escaping @Sendable (StreamIdentity) -> Driver) {
        self.options = options
        ledger = FleetLedger(size: options.streams)
        fleet = Fleet(options: options, ledger: ledger, makeDriver: makeDriver)
        trigger = Trigger(options: options)
        server = options.serverPID.map { ProcessProbe(pid: $0) }
    }

    func execute() async -> LoadReport {
        var report = LoadReport(
            streams: options.streams, mode: options.mode, watchType: options.watchType.shortName,
            streamsPerConnection: options.streamsPerConnection, connections: fleet.connectionCount)
        report.rssBeforeKib = server?.residentKiB()
        report.clientRssBeforeKib = ProcessProbe.current.residentKiB()
        Log.line(
            "connecting \(options.streams) \(options.mode.rawValue) streams to \(options.target) "
                + "over \(fleet.connectionCount) connections, \(options.connectRate)/s")

        let (fleet, grace) = (self.fleet, options.closeGrace)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await fleet.run() }
            await measure(into: &report)
            Log.line("closing \(options.streams) streams")
            fleet.close()
            group.addTask { try? await Task.sleep(for: .seconds(grace)) }
            _ = await group.next()  // every stream ended, or the grace ran out
            group.cancelAll()
        }
        let counts = ledger.counts
        report.failures = counts.failed
        report.reconnects = counts.reconnects
        report.failureReasons = ledger.failureReasons
        report.summarizeRounds()
        Log.summary(report)
        return report
    }

    private func measure(into report: inout LoadReport) async {
        let start = ContinuousClock.now
        guard await awaitInitialConfig(since: start) else {
            report.outcome = .streamsNotReady
            report.streamsReady = ledger.counts.ready
            let missing = ledger.streams(notIn: [.ready], limit: 5).map { "\(options.nodePrefix)-\($0)" }
            Log.line("not every stream got its initial config; for example \(missing.joined(separator: ", "))")
            return
        }
        report.connectSeconds = (ContinuousClock.now - start).seconds.rounded(toPlaces: 3)
        report.streamsReady = ledger.counts.ready
        Log.line("all \(options.streams) streams ACKed CDS, EDS, LDS and RDS in \(format(report.connectSeconds!)) s")

        // Let the server finish the connect burst before reading its memory.
        try? await Task.sleep(for: .seconds(1))
        report.rssAfterKib = server?.residentKiB()
        report.clientRssAfterKib = ProcessProbe.current.residentKiB()
        if let before = report.rssBeforeKib, let after = report.rssAfterKib {
            report.rssPerStreamKib = (Double(after - before) / Double(options.streams)).rounded(toPlaces: 1)
            Log.line("server resident memory \(before) → \(after) KiB, \(format(report.rssPerStreamKib!)) KiB a stream")
        }
        if let before = report.clientRssBeforeKib, let after = report.clientRssAfterKib {
            report.clientRssPerStreamKib = (Double(after - before) / Double(options.streams)).rounded(toPlaces: 1)
            Log.line("xds-load resident memory \(before) → \(after) KiB, \(format(report.clientRssPerStreamKib!)) KiB a stream")
        }

        guard let trigger, options.rounds > 0 else { return }
        for number in 1...options.rounds {
            let round = await runRound(number, trigger: trigger)
            report.rounds.append(round)
            if round.error != nil {
                report.outcome = .triggerFailed
                return
            }
            if round.timedOut {
                report.outcome = .roundTimedOut
                return
            }
            if number < options.rounds { try? await Task.sleep(for: .seconds(options.roundPause)) }
        }
    }

    /// Waits until every stream has ACKed all its types once; false when some failed or time ran out.
    private func awaitInitialConfig(since start: ContinuousClock.Instant) async -> Bool {
        let deadline = start + .seconds(options.connectTimeout)
        var nextProgress = start + .seconds(1)
        while true {
            let counts = ledger.counts
            if counts.ready == options.streams { return true }
            let now = ContinuousClock.now
            if counts.failed > 0 && counts.failed + counts.ready == options.streams { return false }
            if now >= deadline {
                Log.line("timed out after \(format(options.connectTimeout)) s")
                return false
            }
            if now >= nextProgress {
                Log.progress(counts, total: options.streams, after: (now - start).seconds)
                nextProgress = now + .seconds(1)
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func runRound(_ number: Int, trigger: Trigger) async -> LoadReport.Round {
        ledger.beginRound()
        let cpuBefore = server?.cpuSeconds()
        let fired = ContinuousClock.now
        let answered: ContinuousClock.Instant
        do {
            answered = try await trigger.fire(round: number)
        } catch {
            _ = ledger.endRound()
            Log.line("round \(number): trigger failed: \(error)")
            return LoadReport.Round(round: number, acked: 0, timedOut: false, error: "trigger: \(error)")
        }
        let deadline = answered + .seconds(options.roundTimeout)
        while ledger.roundAcked < options.streams, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let cpuAfter = server?.cpuSeconds()
        let arrivals = ledger.endRound()!

        func sinceAnswer(_ instant: ContinuousClock.Instant) -> Double {
            // A push can beat the trigger's own answer; that counts as no wait at all.
            max(0, (instant - answered).seconds * 1000).rounded(toPlaces: 3)
        }
        let receipts = arrivals.receivedAt.compactMap { $0.map(sinceAnswer) }
        var round = LoadReport.Round(
            round: number,
            receiptP50Ms: Statistics.percentile(receipts, 50), receiptP99Ms: Statistics.percentile(receipts, 99),
            acked: arrivals.acked, timedOut: arrivals.acked < options.streams)
        if let cpuBefore, let cpuAfter { round.serverCpuS = (cpuAfter - cpuBefore).rounded(toPlaces: 3) }
        if !round.timedOut {
            round.allAckedMs = arrivals.ackedAt.compactMap { $0.map(sinceAnswer) }.max()
        }
        Log.round(round, total: options.streams, triggerMs: (answered - fired).seconds * 1000)
        if round.timedOut {
            let missing = arrivals.ackedAt.indices.filter { arrivals.ackedAt[$0] == nil }.prefix(5)
            Log.line(
                "round \(number) timed out after \(format(options.roundTimeout)) s: "
                    + "\(options.streams - arrivals.acked) streams never ACKed a new \(options.watchType.shortName) "
                    + "version, for example \(missing.map { "\(options.nodePrefix)-\($0)" }.joined(separator: ", "))")
        }
        return round
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}

func format(_ value: Double) -> String {
    String(format: value < 10 ? "%.2f" : "%.1f", value)
}
