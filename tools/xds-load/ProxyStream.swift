import GRPCCore
import GRPCProtobuf
import Synchronization

/// One simulated Envoy: runs its driver on an ADS stream, reports to the ledger, and reconnects when the
/// stream drops, until it runs out of attempts or the fleet closes.
final class ProxyStream<Driver: StreamDriver>: Sendable {
    let index: Int
    private let makeDriver: @Sendable () -> Driver
    private let ledger: FleetLedger
    private let retries: Int
    /// The live attempt's request side, closed by `close()` to half-close the stream.
    private let requests = Mutex<RequestWriterSlot<Driver.Request>?>(nil)

    init(index: Int, ledger: FleetLedger, retries: Int, makeDriver: @escaping @Sendable () -> Driver) {
        self.index = index
        self.ledger = ledger
        self.retries = retries
        self.makeDriver = makeDriver
    }

    func run<Transport: ClientTransport>(on client: GRPCClient<Transport>) async {
        var failures = 0
        while !ledger.isClosing, !Task.isCancelled {
            ledger.attemptStarted(index)
            let reason: String
            do {
                try await attempt(on: client)
                reason = "the server ended the stream"
            } catch {
                reason = Self.describe(error)
            }
            if ledger.isClosing || Task.isCancelled { return }
            failures += 1
            guard failures <= retries else {
                ledger.failed(index, reason: reason)
                return
            }
            ledger.dropped(index, reason: reason)
            // Exponential backoff with jitter, so a server restart is not met by every stream at once.
            let backoff = min(0.25 * Double(1 << min(failures - 1, 5)), 5.0) * Double.random(in: 0.5...1.5)
            try? await Task.sleep(for: .seconds(backoff))
        }
    }

    /// Half-closes the live stream; the server is expected to end it, and no new attempt starts.
    func close() {
        requests.withLock { $0?.close() }
    }

    private func attempt<Transport: ClientTransport>(on client: GRPCClient<Transport>) async throws {
        let slot = RequestWriterSlot<Driver.Request>()
        requests.withLock { $0 = slot }
        defer {
            requests.withLock { $0 = nil }
            slot.close()
        }
        if ledger.isClosing { return }

        var driver = makeDriver()
        let initialRequests = driver.start().map(\.request)
        let started = driver
        let (index, ledger) = (self.index, self.ledger)

        let request = StreamingClientRequest<Driver.Request> { writer in
            slot.attach(writer)
            try await writer.write(contentsOf: initialRequests)
            await slot.waitUntilClosed()
        }
        try await client.bidirectionalStreaming(
            request: request, descriptor: Driver.method,
            serializer: ProtobufSerializer<Driver.Request>(), deserializer: ProtobufDeserializer<Driver.Response>(),
            options: Self.callOptions
        ) { response in
            defer { slot.close() }
            var driver = started
            var first = true
            for try await message in response.messages {
                let receivedAt = ContinuousClock.now
                if first {
                    ledger.connected(index)
                    first = false
                }
                let outbound = driver.receive(message, at: receivedAt)
                guard let writer = slot.writer else { return }
                try await writer.write(contentsOf: outbound.lazy.map(\.request))
                let sentAt = ContinuousClock.now
                for sent in outbound {
                    if let watched = sent.watched { ledger.watchedVersionAcked(index, watched, at: sentAt) }
                    if sent.completesInitialConfig { ledger.initialConfigAcked(index) }
                }
            }
        }
    }

    private static var callOptions: CallOptions {
        var options = CallOptions.defaults
        // Fail fast when the server is unreachable: the retry loop above decides when to try again.
        options.waitForReady = false
        // A full CDS or LDS answer for a big fleet can exceed gRPC's 4 MiB default.
        options.maxResponseMessageBytes = 256 << 20
        return options
    }

    private static func describe(_ error: any Error) -> String {
        if let rpcError = error as? RPCError { return "\(rpcError.code): \(rpcError.message)" }
        return String(describing: error)
    }
}
