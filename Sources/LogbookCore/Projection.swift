import EventLog
import Foundation
import Gateway

/// Folds the log into `GatewayState`: the only way state is made. Checkpoints (the state's own
/// tagged, versioned encoding) are a shortcut, never a source: one that does not decode is
/// ignored and the fold starts from an earlier one.
public struct Projection: Sendable {
    let store: any EventStore
    /// Folds of at least this many events decode on a second thread; below it a thread costs
    /// more than it saves. `.max` folds on the calling thread only.
    let pipelineThreshold: UInt64

    public init(store: any EventStore, pipelineThreshold: UInt64 = 20_000) {
        self.store = store
        self.pipelineThreshold = pipelineThreshold
    }

    /// Folds (state.head, through] onto `state`. Observation events move the head only, and are
    /// skipped by the envelope's kind byte without decoding their payload.
    public func fold(_ initial: consuming GatewayState, through: UInt64) throws -> GatewayState {
        // Consuming: a state passed in (a decoded checkpoint) is mutated in place, not copied.
        var state = initial
        guard through > state.head else { return state }
        if through - state.head >= pipelineThreshold {
            try foldPipelined(&state, through: through)
        } else {
            try store.scan(after: state.head, through: through) { view in
                Self.apply(try Self.decode(view), to: &state)
            }
        }
        return state
    }

    /// Decodes on a second thread while this one applies: decoding is most of a fold's cost and
    /// our machines have two cores. The result is the same fold, in the same order.
    private func foldPipelined(_ state: inout GatewayState, through: UInt64) throws {
        let channel = FoldChannel(capacity: 4)
        let store = self.store
        let after = state.head
        let producer = Thread {
            do {
                var batch = ContiguousArray<FoldItem>()
                batch.reserveCapacity(FoldChannel.batchSize)
                try store.scan(after: after, through: through) { view in
                    batch.append(try Projection.decode(view))
                    if batch.count == FoldChannel.batchSize {
                        channel.send(batch)
                        batch = []
                        batch.reserveCapacity(FoldChannel.batchSize)
                    }
                }
                channel.send(batch)
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
        }
        producer.name = "logbook.projection.decoder"
        producer.start()
        while var batch = channel.receive() {
            batch.withUnsafeMutableBufferPointer { items in
                for index in items.indices {
                    // Move each item out (no retain), leaving a trivial one for the array to destroy.
                    let item = (items.baseAddress! + index).move()
                    (items.baseAddress! + index).initialize(to: .skip(0))
                    Self.apply(item, to: &state)
                }
            }
        }
        if let error = channel.failure { throw error }
    }

    static func decode(_ view: EnvelopeView) throws -> FoldItem {
        let sequence = try view.sequence
        guard view.kind == .configuration else { return .skip(sequence) }
        let (type, schema, payload) = (try view.typeBytes, try view.schemaVersion, try view.payload)
        do {
            return .apply(sequence, try GatewayEvent.decode(typeName: type, schemaVersion: schema, payload: payload))
        } catch {
            throw LogbookError(.corrupt, "event \(sequence): \(error.message)")
        }
    }

    static func apply(_ item: consuming FoldItem, to state: inout GatewayState) {
        switch consume item {
        case .apply(let sequence, let event): state.apply(event, seq: sequence)
        case .skip(let sequence): state.skip(seq: sequence)
        }
    }

    /// The state right after event `sequence`: the nearest checkpoint, then a fold.
    public func state(at sequence: UInt64) throws -> GatewayState {
        try fold(try nearestCheckpoint(atOrBefore: sequence), through: sequence)
    }

    /// The state in force at `time` (ms since 1970): after the last event recorded by then.
    public func state(atTime time: Int64) throws -> GatewayState {
        try state(at: try store.sequence(atOrBefore: time))
    }

    func nearestCheckpoint(atOrBefore sequence: UInt64) throws -> GatewayState {
        var bound = sequence
        while let checkpoint = try store.checkpoint(atOrBefore: bound) {
            if let state = try? GatewayState(decoding: checkpoint.state), state.head == checkpoint.sequence {
                return state
            }
            guard checkpoint.sequence > 0 else { break }
            bound = checkpoint.sequence - 1
        }
        return GatewayState()
    }
}

/// One envelope, decoded: an event to fold, or an observation that only moves the head.
enum FoldItem: Sendable {
    case apply(UInt64, GatewayEvent)
    case skip(UInt64)
}

/// Hands batches of decoded events from the decoding thread to the folding one, holding at
/// most `capacity` batches so a fast decoder cannot fill memory.
///
/// `@unchecked Sendable`: every stored property is read and written with `condition` held.
final class FoldChannel: @unchecked Sendable {
    static let batchSize = 4096
    private let condition = NSCondition()
    private let capacity: Int
    private var batches: [ContiguousArray<FoldItem>] = []
    private var finished = false
    private var error: (any Error)?

    init(capacity: Int) {
        self.capacity = capacity
    }

    func send(_ batch: ContiguousArray<FoldItem>) {
        condition.lock()
        while batches.count >= capacity { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        self.error = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, or nil once the sender has finished and every batch was taken.
    func receive() -> ContiguousArray<FoldItem>? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return error
    }
}
