// `make bench`: the event-log benchmarks of issue 2, each beside a raw LMDB baseline measured
// in the same run. Prints a summary and writes machine-readable JSON (`--output FILE`).
import Foundation

let arguments = BenchArguments(CommandLine.arguments.dropFirst())
var report = BenchReport()
let root = FileManager.default.temporaryDirectory.appendingPathComponent("logbook-bench-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: root) }

let valueSize = 250
if !arguments.foldOnly {
    note("raw LMDB baselines and durable appends, \(arguments.rounds) interleaved rounds")
    report = try await AppendBenchmarks(root: root, rounds: arguments.rounds, valueSize: valueSize).run(report)
}
note("generating a log of \(arguments.events) events over 1,000 services and 5,000 routes")
report = try await FoldBenchmarks(root: root, events: arguments.events, rounds: arguments.rounds).run(report)

report.print()
if let output = arguments.output {
    try report.json().write(to: URL(fileURLWithPath: output))
    note("wrote \(output)")
}

func note(_ text: String) {
    FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
}

struct BenchArguments {
    var output: String?
    var events = 1_000_000
    var rounds = 5
    /// Skip the append section (for profiling the fold).
    var foldOnly = false

    init(_ args: ArraySlice<String>) {
        var iterator = args.makeIterator()
        while let arg = iterator.next() {
            switch arg {
            case "--output": output = iterator.next()
            case "--events": events = iterator.next().flatMap(Int.init) ?? events
            case "--rounds": rounds = iterator.next().flatMap(Int.init) ?? rounds
            case "--fold-only": foldOnly = true
            default:
                FileHandle.standardError.write(
                    Data("usage: logbook-bench [--output FILE] [--events N] [--rounds N] [--fold-only]\n".utf8))
                exit(2)
            }
        }
    }
}
