/// Nodes that acknowledged one version of one resource type (a `ProxyAcked` event).
public struct ProxyAck: Codable, Equatable, Hashable, Sendable {
    public var typeURL: String
    public var version: String
    public var nodes: [String]

    public init(typeURL: String, version: String, nodes: [String]) {
        self.typeURL = typeURL
        self.version = version
        self.nodes = nodes
    }

    enum CodingKeys: String, CodingKey {
        case typeURL = "type_url"
        case version, nodes
    }
}
