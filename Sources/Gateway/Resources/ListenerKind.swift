/// Which listener of a proxy a route is attached to.
public enum ListenerKind: String, Codable, Hashable, Sendable, CaseIterable {
    case http
    case grpc
}
