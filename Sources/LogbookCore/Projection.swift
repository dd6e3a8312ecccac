import EventLog
import Foundation
import Gateway

/// Folds the log into `GatewayState`: the only way state is made. Checkpoints are a shortcut,
/// never a source: a checkpoint that does not decode is ignored and the fold starts earlier.
public struct Projection: Sendable {
    let store: any EventStore

    public init(store: any EventStore) {
        self.store = store
    }

    /// Folds (state.head, through] onto `state`. Observation events move the head only, and are
    /// skipped by the envelope's kind byte without decoding their payload.
    public func fold(_ initial: GatewayState, through: UInt64) throws -> GatewayState {
        var state = initial
        var failure: LogbookError?
        try store.scan(after: state.head, through: through) { view in
            let sequence = try view.sequence
            guard view.kind == .configuration else {
                state.skip(seq: sequence)
                return
            }
            do {
                let event = try GatewayEvent.decode(
                    typeName: try view.typeBytes, schemaVersion: try view.schemaVersion, payload: try view.payload)
                state.apply(event, seq: sequence)
            } catch let error as PayloadError {
                failure = LogbookError(.corrupt, "event \(sequence): \(error.message)")
                throw error
            }
        }
        if let failure { throw failure }
        return state
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
            if let state = try? CheckpointFormat.decode(checkpoint.state), state.head == checkpoint.sequence {
                return state
            }
            guard checkpoint.sequence > 0 else { break }
            bound = checkpoint.sequence - 1
        }
        return GatewayState()
    }
}

/// A checkpoint's bytes: a magic tag and format number, so a change to the state encoding
/// makes old checkpoints ignored instead of misread.
enum CheckpointFormat {
    static let tag: [UInt8] = Array("LBCP".utf8) + [0, 1]

    static func encode(_ state: GatewayState) -> [UInt8] {
        tag + state.encoded()
    }

    static func decode(_ bytes: [UInt8]) throws -> GatewayState {
        guard bytes.starts(with: tag) else { throw LogbookError(.corrupt, "not a checkpoint of this format") }
        return try GatewayState(decoding: Array(bytes[tag.count...]))
    }
}
