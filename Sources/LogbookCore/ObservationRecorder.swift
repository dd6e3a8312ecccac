import Gateway
import Logging
import Synchronization

/// Turns what the xDS server sees proxies do into observation events, recording only changes:
/// an ACK of the version a node already acknowledged for that type, a NACK identical to its
/// last one in this connection, a connect of a connected node and a disconnect of one that is
/// not connected are dropped. What is left is buffered and appended by `run()` every
/// `interval`, batched (`Logbook.record`), so ten thousand proxies ACKing one push make a
/// handful of events.
///
/// xDS clients are not authenticated, so what one node can add to the log is bounded: each node
/// has a token bucket (`Limits`). Past it, a node's observations wait, and only the newest per
/// kind and type waits (one connect-or-disconnect, one ACK per type URL, one NACK): the ones it
/// replaces are dropped and counted (`coalescedCount`). Waiting observations are released, oldest
/// first, as the bucket refills, so the node's latest state (connected or not, last acked version
/// per type, last NACK) still reaches the log, late, while a flood of changes costs a few events a
/// second. NACK messages are cut to `ProxyObservation.maxNackMessageBytes`.
///
/// Its view of the proxies starts from the log (`Logbook.proxyStatus()`) and follows what it
/// is told, so it knows a change before the change is on disk.
public final class ObservationRecorder: Sendable {
    /// How many observations one node may add to the log.
    public struct Limits: Sendable, Equatable {
        /// Observations a node may record at once: a connect and four ACKs take 5.
        public var burst: Int
        /// Observations a node may record per second once the burst is spent.
        public var perSecond: Double

        public init(burst: Int, perSecond: Double) {
            self.burst = max(burst, 1)
            self.perSecond = max(perSecond, 0)
        }

        /// 30 at once, then 1 a second: a node that connects, ACKs a push of all four types every
        /// few seconds and reconnects now and then never waits; one that floods the server with
        /// NACKs or reconnects adds at most 3,600 observations an hour, each its newest state.
        public static let standard = Limits(burst: 30, perSecond: 1)
    }

    public let logbook: Logbook
    public let interval: Duration
    public let limits: Limits
    /// Beyond this many buffered observations (the log failing for a long while), new ones are
    /// dropped and counted rather than held without bound.
    public static let maxBuffered = 1_000_000

    /// What a waiting observation replaces: the newest of each is enough for the node's state.
    private enum Slot: Hashable {
        case connection
        case acked(typeURL: String)
        case nacked
    }

    /// One node's token bucket and what waits for it.
    private struct Budget {
        var tokens: Double
        var refilled: ContinuousClock.Instant
        var waiting: [Slot: (order: UInt64, observation: ProxyObservation)] = [:]

        mutating func refill(at now: ContinuousClock.Instant, _ limits: Limits) {
            let elapsed = now - refilled
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(Double(limits.burst), tokens + seconds * limits.perSecond)
            refilled = now
        }
    }

    private struct Buffer {
        var view: ProxyStatusBoard
        var pending: [ProxyObservation] = []
        var dropped = 0
        var coalesced = 0
        /// Nodes that recorded something recently; full buckets with nothing waiting are pruned.
        var budgets: [String: Budget] = [:]
        /// Nodes with waiting observations.
        var waitingNodes: Set<String> = []
        var order: UInt64 = 0
        var lastPrune = ContinuousClock.now
    }

    private let buffer: Mutex<Buffer>
    /// Where a failed flush is reported; the logbook's by default.
    public let logger: Logger

    public init(
        logbook: Logbook, interval: Duration = .milliseconds(100), limits: Limits = .standard, logger: Logger? = nil
    ) throws {
        self.logbook = logbook
        self.logger = logger ?? logbook.logger
        self.interval = interval
        self.limits = limits
        buffer = Mutex(Buffer(view: try logbook.proxyStatus()))
    }

    /// Notes what a proxy did. Never blocks on the log: call it from any thread, on every ACK.
    public func record(_ observation: ProxyObservation) {
        guard let observation = observation.withNackMessageCut.storable else {
            buffer.withLock { $0.dropped += 1 }
            return
        }
        let limits = self.limits
        buffer.withLock { buffer in
            // The view decides what is a change; its times do not matter (the log stamps its own).
            guard buffer.view.apply(observation, at: 0) else { return }
            let node = observation.node
            let now = ContinuousClock.now
            var budget = buffer.budgets[node] ?? Budget(tokens: Double(limits.burst), refilled: now)
            budget.refill(at: now, limits)
            if budget.waiting.isEmpty && budget.tokens >= 1 {
                guard buffer.pending.count < Self.maxBuffered else {
                    buffer.dropped += 1
                    return
                }
                budget.tokens -= 1
                buffer.pending.append(observation)
            } else {
                buffer.order += 1
                if budget.waiting.updateValue((buffer.order, observation), forKey: Self.slot(of: observation)) != nil {
                    buffer.coalesced += 1
                }
                buffer.waitingNodes.insert(node)
            }
            buffer.budgets[node] = budget
        }
    }

    private static func slot(of observation: ProxyObservation) -> Slot {
        switch observation {
        case .connected, .disconnected: .connection
        case .acked(_, let typeURL, _): .acked(typeURL: typeURL)
        case .nacked: .nacked
        }
    }

    /// Observations dropped because their node id could not be stored or the buffer was full.
    public var droppedCount: Int { buffer.withLock { $0.dropped } }

    /// Observations a newer one of the same node, kind and type replaced while they waited for
    /// the node's budget: they never reach the log.
    public var coalescedCount: Int { buffer.withLock { $0.coalesced } }

    /// Observations waiting for the next flush.
    public var pendingCount: Int { buffer.withLock { $0.pending.count } }

    /// Observations waiting for their node's budget.
    public var waitingCount: Int {
        buffer.withLock { buffer in buffer.waitingNodes.reduce(0) { $0 + (buffer.budgets[$1]?.waiting.count ?? 0) } }
    }

    /// Connected nodes whose newest NACK stands (`NodeStatus.rejecting`), as the recorder sees them.
    public var rejectingCount: Int {
        buffer.withLock { $0.view.nodes.values.count { $0.rejecting } }
    }

    /// Moves waiting observations whose node has tokens again into the buffer, oldest first, and
    /// forgets full buckets with nothing waiting (every ten seconds).
    private func releaseWaiting(all: Bool) {
        let limits = self.limits
        buffer.withLock { buffer in
            let now = ContinuousClock.now
            for node in buffer.waitingNodes {
                guard var budget = buffer.budgets[node] else { continue }
                budget.refill(at: now, limits)
                let ordered = budget.waiting.sorted { $0.value.order < $1.value.order }
                for (slot, entry) in ordered {
                    guard all || budget.tokens >= 1, buffer.pending.count < Self.maxBuffered else { break }
                    budget.tokens -= 1
                    buffer.pending.append(entry.observation)
                    budget.waiting.removeValue(forKey: slot)
                }
                if budget.waiting.isEmpty { buffer.waitingNodes.remove(node) }
                buffer.budgets[node] = budget
            }
            guard now - buffer.lastPrune >= .seconds(10) else { return }
            buffer.lastPrune = now
            buffer.budgets = buffer.budgets.filter { _, budget in
                var budget = budget
                budget.refill(at: now, limits)
                return !budget.waiting.isEmpty || budget.tokens < Double(limits.burst)
            }
        }
    }

    /// Appends what is buffered, and what waited for its node's budget if the budget allows (or
    /// everything that waits, with `releasingAll`: at shutdown). `run()` calls it; call it yourself
    /// only when `run()` is not running, because two flushes at once could append out of order.
    /// On failure the observations go back to the front of the buffer for the next flush.
    public func flush(releasingAll: Bool = false) async throws {
        releaseWaiting(all: releasingAll)
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
    /// recorded before a graceful shutdown reaches the log. Each failure is logged at error and
    /// goes to `onError` (the server counts it); the observations wait for the next flush.
    public func run(onError: @Sendable (any Error) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                break
            }
            do { try await flush() } catch { failed(error, onError) }
        }
        do { try await flush(releasingAll: true) } catch { failed(error, onError) }
    }

    private func failed(_ error: any Error, _ onError: @Sendable (any Error) -> Void) {
        let waiting = buffer.withLock { $0.pending.count }
        logger.error(
            "could not write proxy observations to the log; they wait for the next flush",
            metadata: ["observations.pending": "\(waiting)", "error": "\(error)"])
        onError(error)
    }
}
