/// Why a PKI operation failed: one sentence, with the option or input it is about, so the CLI can
/// print it as one line.
public struct PKIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The option or input at fault (`--days`, `--ip`, `NAME`), when it is one.
    public let field: String?
    public let message: String

    public init(field: String? = nil, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}
