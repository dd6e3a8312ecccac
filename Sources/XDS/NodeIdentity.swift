import Gateway

/// Who is on the other end of a stream, as its first request said.
public struct NodeIdentity: Hashable, Sendable {
    public var id: String
    /// Envoy's `node.cluster`: the fleet the node belongs to.
    public var cluster: String

    public init(id: String, cluster: String = "") {
        self.id = id
        self.cluster = cluster
    }

    /// A node that gets what `key`'s registration gets: the proxy itself, or a member of the
    /// fleet (named by the key's textual form), for showing a registration's resources without
    /// a connected node (`GET /config?node=`, `logbook replay`).
    public init(standingFor key: ProxyKey) {
        switch key {
        case .node(let id): self.init(id: id)
        case .fleet(let cluster): self.init(id: key.description, cluster: cluster)
        }
    }

    /// The registration that gives this node its listeners (`ProxyKey.registration`).
    func registration(in state: GatewayState) -> ProxyKey? {
        state.registration(ofNode: id, cluster: cluster)
    }
}
