import ArgumentParser
import LogbookServer
import Logging

/// `--log-level` and `--log-format`: how `serve` logs (and what `up` passes to it).
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "The least severe level logged.")
    var level: Logger.Level = .info
    @Option(name: .customLong("log-format"), help: "json writes one object per line, for log aggregation.")
    var format: LogFormat = .text

    /// The same options, as `serve` takes them.
    var arguments: [String] { ["--log-level", level.rawValue, "--log-format", format.rawValue] }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
