import GRPCCore

/// A call the backend (or Envoy in front of it) refused, with the gRPC status and, when the
/// backend answered itself, the instance that did.
public struct DemoCallError: Error, Hashable, CustomStringConvertible {
    /// The canonical status name, e.g. "NOT_FOUND", "INVALID_ARGUMENT", "UNAVAILABLE".
    public let code: String
    /// The numeric status code (5 for NOT_FOUND).
    public let codeNumber: Int
    public let message: String
    public let instanceName: String?

    public var description: String { "\(code) (\(codeNumber)): \(message)" }

    init(_ error: RPCError) {
        codeNumber = error.code.rawValue
        code = Self.canonicalNames.indices.contains(codeNumber) ? Self.canonicalNames[codeNumber] : "CODE_\(codeNumber)"
        message = error.message
        instanceName = error.metadata.backendInstance
    }

    /// Indexed by code number, as in the gRPC status code table.
    private static let canonicalNames = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]
}
