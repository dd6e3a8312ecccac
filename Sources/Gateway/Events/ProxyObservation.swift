/// What the xDS server saw a proxy do; the recorder batches these into observation events.
public enum ProxyObservation: Equatable, Hashable, Sendable {
    case connected(node: String, cluster: String)
    case disconnected(node: String)
    case acked(node: String, typeURL: String, version: String)
    case nacked(node: String, typeURL: String, version: String, message: String)
}
