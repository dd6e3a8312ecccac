import ArgumentParser

@main
struct XdsLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xds-load",
        abstract: "An Envoy-like ADS load generator: N streams as members of one fleet, ACKing like Envoy.",
        discussion: """
            Every stream is a distinct node (node.id <prefix>-<i>, node.cluster --fleet) on its own HTTP/2 \
            connection, unless --streams-per-connection says otherwise. Each subscribes to CDS and LDS by \
            wildcard, then to the EDS and RDS names those refer to, and ACKs every response. Once all streams \
            have ACKed their initial config, each round runs the trigger and times how long it takes until \
            every stream has received and ACKed a new version of --watch-type.

            Exit status: 0 when every stream came up and every round finished, 1 when streams did not come \
            up, 2 when a round timed out, 3 when a trigger failed.
            """)

    @OptionGroup var options: Options

    func run() async throws {
        do {
            let connections = (options.streams + options.streamsPerConnection - 1) / options.streamsPerConnection
            try FileDescriptorLimit.raise(toAtLeast: connections + 64)
        } catch {
            Log.line("\(error)")
            throw ExitCode(1)
        }
        let report: LoadReport
        switch options.mode {
        case .sotw: report = await LoadRun(options: options) { SotWStreamDriver(identity: $0) }.execute()
        case .delta: report = await LoadRun(options: options) { DeltaStreamDriver(identity: $0) }.execute()
        }
        if let output = options.output {
            do {
                try report.write(to: output)
            } catch {
                Log.line("could not write \(output): \(error)")
                throw ExitCode(1)
            }
        }
        switch report.outcome {
        case .ok: return
        case .streamsNotReady: throw ExitCode(1)
        case .roundTimedOut: throw ExitCode(2)
        case .triggerFailed: throw ExitCode(3)
        }
    }
}
