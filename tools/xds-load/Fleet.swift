import GRPCCore
import GRPCNIOTransportHTTP2

/// The N simulated Envoys: started at a bounded rate, grouped onto HTTP/2 connections, closed together.
struct Fleet<Driver: StreamDriver>: Sendable {
    let ledger: FleetLedger
    private let streams: [ProxyStream<Driver>]
    private let server: ServerAddress
    private let streamsPerConnection: Int
    private let connectRate: Int
    private let maxConnecting: Int

    init(options: Options, ledger: FleetLedger, makeDriver: @escaping @Sendable (StreamIdentity) -> Driver) {
        let routeNames = options.fixedRouteNames
        self.ledger = ledger
        self.streams = (0..<options.streams).map { index in
            let identity = StreamIdentity(
                nodeID: "\(options.nodePrefix)-\(index)", fleet: options.fleet, watchType: options.watchType,
                fixedRouteNames: routeNames)
            return ProxyStream(index: index, ledger: ledger, retries: options.retries) { makeDriver(identity) }
        }
        self.server = try! ServerAddress(options.target)  // validated by Options
        self.streamsPerConnection = options.streamsPerConnection
        self.connectRate = options.connectRate
        self.maxConnecting = options.maxConnecting
    }

    var connectionCount: Int { (streams.count + streamsPerConnection - 1) / streamsPerConnection }

    /// Runs until every stream has ended: after `close()`, on cancellation, or when all have failed.
    func run() async {
        let start = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            for first in stride(from: 0, to: streams.count, by: streamsPerConnection) {
                let members = Array(streams[first..<min(first + streamsPerConnection, streams.count)])
                guard await admit(first, since: start) else { break }
                group.addTask { await self.runConnection(members) }
            }
        }
    }

    /// Half-closes every stream; `run()` returns once the server has ended them all.
    func close() {
        ledger.beginClosing()
        for stream in streams { stream.close() }
    }

    /// Waits for stream `index`'s turn under the connect rate and the cap on streams still connecting.
    private func admit(_ index: Int, since start: ContinuousClock.Instant) async -> Bool {
        do {
            try await Task.sleep(until: start + .seconds(Double(index) / Double(connectRate)), clock: .continuous)
            while ledger.counts.connecting >= maxConnecting {
                try await Task.sleep(for: .milliseconds(5))
            }
        } catch {
            return false
        }
        return !ledger.isClosing
    }

    private func runConnection(_ members: [ProxyStream<Driver>]) async {
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: server.resolvableTarget, transportSecurity: .plaintext, config: Self.transportConfig)
            // All transports share NIO's singleton event loop group: one thread per core for every connection.
            try await withGRPCClient(transport: transport) { client in
                await withDiscardingTaskGroup { group in
                    for stream in members {
                        group.addTask { await stream.run(on: client) }
                    }
                }
            }
        } catch {
            for stream in members { ledger.failed(stream.index, reason: "connection: \(error)") }
        }
    }

    private static var transportConfig: HTTP2ClientTransport.Posix.Config {
        .defaults { config in
            // Reconnect quickly; ProxyStream paces its own retries on top of this.
            config.backoff = .init(initial: .milliseconds(250), max: .seconds(5), multiplier: 1.6, jitter: 0.2)
        }
    }
}

extension ServerAddress {
    var resolvableTarget: any ResolvableTarget {
        let isIPv4 = host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        if isIPv4 { return ResolvableTargets.IPv4(addresses: [SocketAddress.IPv4(host: host, port: port)]) }
        return ResolvableTargets.DNS(host: host, port: port)
    }
}
