import Gateway
import Synchronization

/// Turns what the xDS server sees proxies do into observation events, recording only changes:
/// an ACK of the version a node already acknowledged for that type, a NACK identical to its
/// last one in this connection, a connect of a connected node and a disconnect of one that is
/// not connected are dropped. What is left is buffered and appended by `run()` every
/// `interval`, batched (`Logbook.record`), so ten thousand proxies ACKing one push make a
/// handful of events.
///
/// Its view of the proxies starts from the log (`Logbook.proxyStatus()`) and follows what it
/// is told, so it knows a change before the change is on disk.
public final class ObservationRecorder: Sendable {
    public let logbook: Logbook
    public let interval: Duration
    /// Beyond this many buffered observations (the log failing for a long while), new ones are
    /// dropped and counted rather than held without bound.
    public static let maxBuffered = 1_000_000

    private struct Buffer {
        var view: ProxyStatusBoard
        var pending: [ProxyObservation] = []
        var dropped = 0
    }

    private let buffer: Mutex<Buffer>

    public init(logbook: Logbook, interval: Duration = .milliseconds(100)) throws {
        self.logbook = logbook
        self.interval = interval
        buffer = Mutex(Buffer(view: try logbook.proxyStatus()))
    }

    /// Notes what a proxy did. Never blocks on the log: call it from any thread, on every ACK.
    public func record(_ observation: ProxyObservation) {
        guard let observation = observation.storable else {
            buffer.withLock { $0.dropped += 1 }
            return
        }
        buffer.withLock { buffer in
            // The view decides what is a change; its times do not matter (the log stamps its own).
            guard buffer.view.apply(observation, at: 0) else { return }
            guard buffer.pending.count < Self.maxBuffered else {
                buffer.dropped += 1
                return
            }
            buffer.pending.append(observation)
        }
    }

    /// Observations dropped because their node id could not be stored or the buffer was full.
    public var droppedCount: Int { buffer.withLock { $0.dropped } }

    /// Observations waiting for the next flush.
    public var pendingCount: Int { buffer.withLock { $0.pending.count } }

    /// Appends what is buffered. `run()` calls it; call it yourself only when `run()` is not
    /// running, because two flushes at once could append out of order. On failure the
    /// observations go back to the front of the buffer for the next flush.
    public func flush() async throws {
        let batch = buffer.withLock { buffer in
            defer { buffer.pending = [] }
            return buffer.pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await logbook.record(batch)
        } catch {
            buffer.withLock { $0.pending.insert(contentsOf: batch, at: 0) }
            throw error
        }
    }

    /// Records a disconnect of every node the log says is connected, and answers their ids:
    /// call it once at start, before the xDS server accepts streams, because streams of an
    /// earlier process that died with them open never said goodbye.
    @discardableResult
    public func markAllDisconnected() async throws -> [String] {
        let nodes = buffer.withLock { buffer in
            let connected = buffer.view.connectedNodes
            for node in connected {
                buffer.view.apply(.disconnected(node: node), at: 0)
                buffer.pending.append(.disconnected(node: node))
            }
            return connected
        }
        try await flush()
        return nodes
    }

    /// Flushes every `interval` until the task is cancelled, then once more, so what was
    /// recorded before a graceful shutdown reaches the log. Failures go to `onError`, and the
    /// observations wait for the next flush.
    public func run(onError: @Sendable (any Error) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                break
            }
            do { try await flush() } catch { onError(error) }
        }
        do { try await flush() } catch { onError(error) }
    }
}
