/// Why the product file could not be loaded: which file, where in it, which field, and what is wrong,
/// so the operator can fix the line without reading our code.
public struct InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path as given, or a name for text that came from elsewhere.
    public var source: String
    /// 1-based line in the file (the header is line 1); nil when the whole file is at fault.
    public var line: Int?
    /// The CSV column at fault, if one is.
    public var field: String?
    public var message: String

    public init(source: String, line: Int? = nil, field: String? = nil, _ message: String) {
        self.source = source
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = source
        if let line { location += ", line \(line)" }
        if let field { location += ", field '\(field)'" }
        return "\(location): \(message)"
    }
}
