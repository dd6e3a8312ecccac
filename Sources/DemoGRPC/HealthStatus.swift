/// A service's serving status in the grpc.health.v1 sense.
public enum HealthStatus: String, Sendable, Hashable, Codable {
    case unknown = "UNKNOWN"
    case serving = "SERVING"
    case notServing = "NOT_SERVING"
    /// Only Watch answers this; Check answers NOT_FOUND for a service the server does not know.
    case serviceUnknown = "SERVICE_UNKNOWN"
}
