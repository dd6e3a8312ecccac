import EventLog
import Foundation
import Gateway
import Logging

/// Folds the log into `GatewayState`: the only way state is made. Checkpoints (the state's own
/// tagged, versioned encoding) are a shortcut, never a source: one that does not decode (of an
/// older format, or damaged) is logged, counted, and passed over for an earlier one.
public struct Projection: Sendable {
    let store: any EventStore
    /// Where a checkpoint that does not decode is reported; by default nowhere.
    let logger: Logger
    /// Counts such a checkpoint as `checkpoint_decode` (`logbook_errors_total{kind}` in a server).
    let countFailure: @Sendable (String) -> Void

    public init(
        store: any EventStore,
        logger: Logger = Logger(label: "logbook", factory: { _ in SwiftLogNoOpLogHandler() }),
        countFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.store = store
        self.logger = logger
        self.countFailure = countFailure
    }

    /// Folds (state.head, through] onto `state`. Observation events move the head only, and are
    /// skipped by the envelope's kind byte without decoding their payload.
    public func fold(_ initial: consuming GatewayState, through: UInt64) throws -> GatewayState {
        // Consuming: a state passed in (a decoded checkpoint) is mutated in place, not copied.
        var state = initial
        guard through > state.head else { return state }
        try store.scan(after: state.head, through: through) { view in
            let sequence = try view.sequence
            guard view.kind == .configuration else { return state.skip(seq: sequence) }
            state.apply(try Self.event(of: view, sequence: sequence), seq: sequence)
        }
        return state
    }

    private static func event(of view: EnvelopeView, sequence: UInt64) throws -> GatewayEvent {
        let (type, schema, payload) = (try view.typeBytes, try view.schemaVersion, try view.payload)
        do {
            return try GatewayEvent.decode(typeName: type, schemaVersion: schema, payload: payload)
        } catch {
            throw LogbookError(.corrupt, "event \(sequence): \(error.message)")
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

    /// The newest checkpoint at or before `sequence` that decodes, or the empty state. One that
    /// does not is rebuilt by the fold from an earlier one; `Logbook.writeMissingCheckpoints`
    /// (run by `serve` and `import`) writes it again in the current format.
    func nearestCheckpoint(atOrBefore sequence: UInt64) throws -> GatewayState {
        var bound = sequence
        while let checkpoint = try store.checkpoint(atOrBefore: bound) {
            do {
                let state = try GatewayState(decoding: checkpoint.state)
                guard state.head == checkpoint.sequence else {
                    throw PayloadError("it holds the state at event \(state.head)")
                }
                return state
            } catch {
                logger.error(
                    "skipped the checkpoint at \(checkpoint.sequence); folding from an earlier one",
                    metadata: ["checkpoint.sequence": "\(checkpoint.sequence)", "error": "\(error)"])
                countFailure("checkpoint_decode")
            }
            guard checkpoint.sequence > 0 else { break }
            bound = checkpoint.sequence - 1
        }
        return GatewayState()
    }
}
