/// The protocol a service's endpoints speak upstream.
public enum ServiceProtocol: String, Codable, Hashable, Sendable, CaseIterable {
    case http1
    case http2
    case grpc
}
