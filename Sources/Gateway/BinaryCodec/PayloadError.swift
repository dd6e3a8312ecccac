/// A payload or checkpoint that cannot be decoded: truncated, corrupt, or of an unknown type or schema.
public struct PayloadError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "payload error: \(message)" }
}
