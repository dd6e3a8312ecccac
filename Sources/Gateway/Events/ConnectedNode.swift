/// An Envoy node as it connected: its id and its node cluster (empty when it sent none).
public struct ConnectedNode: Codable, Equatable, Hashable, Sendable {
    public var id: String
    public var cluster: String

    public init(id: String, cluster: String) {
        self.id = id
        self.cluster = cluster
    }
}
