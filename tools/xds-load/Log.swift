import Foundation

/// Human-readable lines on standard error; standard output stays free for whoever drives the tool.
enum Log {
    static func line(_ text: String) {
        FileHandle.standardError.write(Data(("xds-load: " + text + "\n").utf8))
    }

    static func progress(_ counts: FleetLedger.Counts, total: Int, after seconds: Double) {
        line(
            "\(format(seconds)) s: \(counts.connected)/\(total) up, \(counts.ready) ready, "
                + "\(counts.connecting) connecting, \(counts.failed) failed, \(counts.reconnects) retried")
    }

    static func round(_ round: LoadReport.Round, total: Int, triggerMs: Double) {
        let allAcked = round.allAckedMs.map { format($0) + " ms" } ?? "never"
        let p50 = round.receiptP50Ms.map(format) ?? "-"
        let p99 = round.receiptP99Ms.map(format) ?? "-"
        let cpu = round.serverCpuS.map { ", server CPU \(format($0)) s" } ?? ""
        line(
            "round \(round.round): \(round.acked)/\(total) ACKed, all by \(allAcked); receipt p50 \(p50) ms, "
                + "p99 \(p99) ms\(cpu) (trigger took \(format(triggerMs)) ms)")
    }

    static func summary(_ report: LoadReport) {
        var parts = ["\(report.outcome.rawValue): \(report.streamsReady)/\(report.streams) streams ready"]
        if let acked = report.medians.allAckedMs { parts.append("median all-ACKed \(format(acked)) ms") }
        if let cpu = report.medians.serverCpuS { parts.append("median server CPU a push \(format(cpu)) s") }
        if let memory = report.rssPerStreamKib { parts.append("server \(format(memory)) KiB a stream") }
        if report.failures > 0 || report.reconnects > 0 {
            parts.append("\(report.failures) failed, \(report.reconnects) retried")
        }
        line(parts.joined(separator: "; "))
        for (reason, count) in report.failureReasons.sorted(by: { $0.value > $1.value }) {
            line("  \(count)× \(reason)")
        }
    }
}
