import Foundation

/// Monotonic time in seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double { percentile(values, 50) }

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// One figure: its median over rounds, the unit, and (when it has one) the target it must meet.
struct Figure: Codable {
    var name: String
    var value: Double
    var unit: String
    var rounds: [Double]
}

struct Comparison: Codable {
    var name: String
    var ours: String
    var baseline: String
    var ratio: Double
    var target: String
    var met: Bool
}

struct BenchReport {
    var figures: [Figure] = []
    var comparisons: [Comparison] = []

    mutating func add(_ name: String, _ rounds: [Double], _ unit: String) {
        figures.append(Figure(name: name, value: median(rounds), unit: unit, rounds: rounds))
    }

    func value(_ name: String) -> Double { figures.first { $0.name == name }?.value ?? 0 }

    mutating func compare(_ name: String, ours: String, baseline: String, ratio: Double, target: String, met: Bool) {
        comparisons.append(
            Comparison(name: name, ours: ours, baseline: baseline, ratio: ratio, target: target, met: met))
    }

    func print() {
        var out = ""
        for f in figures { out += String(format: "%-52@ %14.1f %@\n", f.name as NSString, f.value, f.unit as NSString) }
        out += "\n"
        for c in comparisons {
            out +=
                "\(c.met ? "MET " : "MISS") \(c.name): ratio \(String(format: "%.2f", c.ratio)) (target \(c.target))\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    func json() throws -> Data {
        struct Document: Codable {
            var measuredAt: String
            var cores: Int
            var figures: [Figure]
            var comparisons: [Comparison]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(
            Document(
                measuredAt: Date().formatted(.iso8601), cores: ProcessInfo.processInfo.activeProcessorCount,
                figures: figures, comparisons: comparisons))
    }
}
