/// Nodes that rejected one version of one resource type with the same message (a `ProxyNacked` event).
public struct ProxyNack: Codable, Equatable, Hashable, Sendable {
    public var typeURL: String
    public var version: String
    public var message: String
    public var nodes: [String]

    public init(typeURL: String, version: String, message: String, nodes: [String]) {
        self.typeURL = typeURL
        self.version = version
        self.message = message
        self.nodes = nodes
    }

    enum CodingKeys: String, CodingKey {
        case typeURL = "type_url"
        case version, message, nodes
    }
}
