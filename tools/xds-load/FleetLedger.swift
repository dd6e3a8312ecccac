import Synchronization

/// What every stream of the fleet has reached, shared by the streams (which write) and the measurement
/// (which reads). One lock: each stream touches it a few times per push, which is cheap next to a push.
final class FleetLedger: Sendable {
    enum Phase: UInt8 {
        case waiting, connecting, connected, ready, failed
    }

    struct Counts: Sendable {
        var connecting = 0
        var connected = 0
        var ready = 0
        var failed = 0
        var reconnects = 0
    }

    /// One round's arrivals, indexed by stream.
    struct Round: Sendable {
        fileprivate(set) var receivedAt: [ContinuousClock.Instant?]
        fileprivate(set) var ackedAt: [ContinuousClock.Instant?]
        fileprivate(set) var acked = 0
        fileprivate let baseline: [String?]
    }

    fileprivate struct State {
        var phase: [Phase]
        /// The watched type's version each stream last ACKed.
        var watchedVersion: [String?]
        var counts = Counts()
        var round: Round?
        var failureReasons: [String: Int] = [:]
        var closing = false
    }

    let size: Int
    private let state: Mutex<State>

    init(size: Int) {
        self.size = size
        state = Mutex(State(phase: Array(repeating: .waiting, count: size), watchedVersion: Array(repeating: nil, count: size)))
    }

    // MARK: Written by the streams

    func attemptStarted(_ stream: Int) {
        state.withLock { $0.move(stream, to: .connecting) }
    }

    /// The stream's first response arrived.
    func connected(_ stream: Int) {
        state.withLock { state in
            if state.phase[stream] == .connecting { state.move(stream, to: .connected) }
        }
    }

    func initialConfigAcked(_ stream: Int) {
        state.withLock { $0.move(stream, to: .ready) }
    }

    func watchedVersionAcked(_ stream: Int, _ watched: WatchedVersion, at ackedAt: ContinuousClock.Instant) {
        state.withLock { state in
            state.watchedVersion[stream] = watched.version
            // Written through `state.round!` so the arrays are changed in place, never copied.
            guard state.round != nil, state.round!.ackedAt[stream] == nil,
                state.round!.baseline[stream] != watched.version
            else { return }
            state.round!.receivedAt[stream] = watched.receivedAt
            state.round!.ackedAt[stream] = ackedAt
            state.round!.acked += 1
        }
    }

    /// The stream ended or could not start; it may try again.
    func dropped(_ stream: Int, reason: String) {
        state.withLock { state in
            state.move(stream, to: .waiting)
            state.counts.reconnects += 1
            state.note(reason)
        }
    }

    /// The stream ran out of attempts.
    func failed(_ stream: Int, reason: String) {
        state.withLock { state in
            state.move(stream, to: .failed)
            state.note(reason)
        }
    }

    // MARK: Read and steered by the measurement

    var counts: Counts { state.withLock { $0.counts } }

    var failureReasons: [String: Int] { state.withLock { $0.failureReasons } }

    var isClosing: Bool { state.withLock { $0.closing } }

    func beginClosing() {
        state.withLock { $0.closing = true }
    }

    /// Starts counting, for every stream, the first ACK of a watched version other than the one it holds now.
    func beginRound() {
        state.withLock { state in
            state.round = Round(
                receivedAt: Array(repeating: nil, count: size), ackedAt: Array(repeating: nil, count: size),
                baseline: state.watchedVersion)
        }
    }

    var roundAcked: Int { state.withLock { $0.round?.acked ?? 0 } }

    func endRound() -> Round? {
        state.withLock { state in
            defer { state.round = nil }
            return state.round
        }
    }

    /// Indexes of streams in none of `phases`, at most `limit` of them.
    func streams(notIn phases: Set<Phase>, limit: Int) -> [Int] {
        let phase = state.withLock { $0.phase }
        return Array(phase.indices.lazy.filter { !phases.contains(phase[$0]) }.prefix(limit))
    }
}

extension FleetLedger.State {
    fileprivate mutating func move(_ stream: Int, to next: FleetLedger.Phase) {
        let previous = phase[stream]
        guard previous != next else { return }
        counts.adjust(previous, by: -1)
        counts.adjust(next, by: 1)
        phase[stream] = next
    }

    /// Keeps a bounded tally of distinct failure messages.
    fileprivate mutating func note(_ reason: String) {
        if failureReasons[reason] != nil || failureReasons.count < 20 {
            failureReasons[reason, default: 0] += 1
        } else {
            failureReasons["(other reasons)", default: 0] += 1
        }
    }
}

extension FleetLedger.Counts {
    /// Counts are cumulative: a ready stream is also connected.
    fileprivate mutating func adjust(_ phase: FleetLedger.Phase, by delta: Int) {
        switch phase {
        case .waiting: break
        case .connecting: connecting += delta
        case .connected: connected += delta
        case .ready:
            connected += delta
            ready += delta
        case .failed: failed += delta
        }
    }
}
