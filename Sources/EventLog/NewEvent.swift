import Foundation

/// An event to append; the log assigns its sequence number, time and hash.
public struct NewEvent: Sendable, Equatable {
    public var kind: EventKind
    public var type: String
    public var schemaVersion: UInt16
    public var entities: [String]
    public var payload: [UInt8]

    public init(kind: EventKind, type: String, schemaVersion: UInt16, entities: [String], payload: [UInt8]) {
        self.kind = kind
        self.type = type
        self.schemaVersion = schemaVersion
        self.entities = entities
        self.payload = payload
    }
}
