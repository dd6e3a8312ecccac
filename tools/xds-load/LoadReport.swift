import Foundation

/// The results of one run, written as JSON with snake_case keys. Absent figures are omitted.
struct LoadReport: Encodable {
    enum Outcome: String, Encodable {
        case ok
        case streamsNotReady = "streams_not_ready"
        case roundTimedOut = "round_timed_out"
        case triggerFailed = "trigger_failed"
    }

    struct Round: Encodable {
        var round: Int
        /// From the trigger's answer until the last stream ACKed the new version.
        var allAckedMs: Double?
        /// Percentiles of each stream's receipt of the new version, from the trigger's answer.
        var receiptP50Ms: Double?
        var receiptP99Ms: Double?
        /// The server's CPU time from just before the trigger until the last ACK (or the timeout).
        var serverCpuS: Double?
        /// The same for xds-load itself: what the generator took from the machine the server runs on.
        var clientCpuS: Double?
        var acked: Int
        var timedOut: Bool
        var error: String?
    }

    struct Medians: Encodable {
        var allAckedMs: Double?
        var receiptP50Ms: Double?
        var receiptP99Ms: Double?
        var serverCpuS: Double?
        var clientCpuS: Double?
    }

    var outcome = Outcome.ok
    var streams: Int
    var mode: ADSMode
    var watchType: String
    var streamsPerConnection: Int
    var connections: Int
    var rounds: [Round] = []
    var medians = Medians()
    var rssBeforeKib: Int?
    var rssAfterKib: Int?
    var rssPerStreamKib: Double?
    var clientRssBeforeKib: Int?
    var clientRssAfterKib: Int?
    var clientRssPerStreamKib: Double?
    var connectSeconds: Double?
    var streamsReady = 0
    var failures = 0
    var reconnects = 0
    var failureReasons: [String: Int] = [:]

    mutating func summarizeRounds() {
        let finished = rounds.filter { !$0.timedOut && $0.error == nil }
        medians = Medians(
            allAckedMs: Statistics.median(finished.compactMap(\.allAckedMs)),
            receiptP50Ms: Statistics.median(finished.compactMap(\.receiptP50Ms)),
            receiptP99Ms: Statistics.median(finished.compactMap(\.receiptP99Ms)),
            serverCpuS: Statistics.median(finished.compactMap(\.serverCpuS)),
            clientCpuS: Statistics.median(finished.compactMap(\.clientCpuS)))
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}

enum Statistics {
    /// Nearest-rank percentile, `p` in 0...100.
    static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
        return median.rounded(toPlaces: 3)
    }
}
