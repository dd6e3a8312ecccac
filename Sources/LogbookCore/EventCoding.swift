import EventLog
import Foundation
import Gateway

/// Moves domain events in and out of envelopes: the one place that knows both shapes.
enum EventCoding {
    static func newEvent(_ event: GatewayEvent) -> NewEvent {
        NewEvent(
            kind: event.kind == .observation ? .observation : .configuration,
            type: event.type, schemaVersion: event.schemaVersion, entities: event.entities,
            payload: event.encodePayload())
    }

    static func event(of envelope: Envelope) throws -> GatewayEvent {
        do {
            return try GatewayEvent.decode(
                type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
        } catch {
            throw LogbookError(.corrupt, "event \(envelope.sequence): \(error.message)")
        }
    }
}

/// A stored event with its domain meaning, for the audit trail.
public struct RecordedEvent: Sendable {
    public let envelope: Envelope
    public let event: GatewayEvent

    public init(_ envelope: Envelope) throws {
        self.envelope = envelope
        self.event = try EventCoding.event(of: envelope)
    }
}

extension RecordedEvent {
    /// The envelope's fields (`EnvelopeRecord`, with `hash` and `prev_hash`) and the decoded event
    /// as `event`: one item of `GET /events`, the SSE stream and `logbook events --json`.
    public func json() -> Data {
        EnvelopeRecord(header: envelope).json(adding: "event", raw: event.payloadJSON())
    }
}
