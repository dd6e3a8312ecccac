/// Names a registration: a proxy (by Envoy node id) or a fleet (by Envoy node cluster). The key
/// of `GatewayState.proxies` and `pins`, and of the events and commands that name one.
///
/// It has one textual form, used by the HTTP API's paths and answers and by the log's payloads
/// and checkpoints alike: a proxy is its node id, a fleet is `cluster:<name>`. Registered names
/// cannot contain `:` (`Validator.isValidName`), so the two forms never collide. This file is
/// the only place that knows the prefix.
public enum ProxyKey: Hashable, Comparable, Sendable {
    case node(String)
    case fleet(String)

    private static let fleetPrefix = "cluster:"

    /// Reads the textual form. Any text names something: a key nothing is registered under is
    /// refused as "not registered" by whoever looks it up, as it always was.
    public init(_ text: String) {
        if text.hasPrefix(Self.fleetPrefix) {
            self = .fleet(String(text.dropFirst(Self.fleetPrefix.count)))
        } else {
            self = .node(text)
        }
    }

    /// `proxy/<id>` or `fleet/<name>`: the log's by-entity index key.
    public var entity: String {
        switch self {
        case .node(let id): "proxy/\(id)"
        case .fleet(let cluster): "fleet/\(cluster)"
        }
    }

    /// The registration that gives a connecting node its listeners: its own id first, then its
    /// Envoy cluster as a fleet; nil when neither is registered. Every part of Logbook that asks
    /// "whose node is this" (the snapshot store, the status board, `GET /proxies`) asks here.
    public static func registration(
        ofNode id: String, cluster: String, isRegistered: (ProxyKey) -> Bool
    ) -> ProxyKey? {
        if isRegistered(.node(id)) { return .node(id) }
        if !cluster.isEmpty, isRegistered(.fleet(cluster)) { return .fleet(cluster) }
        return nil
    }

    /// In the order of the textual form, as the string keys sorted: lists, pages, checkpoints
    /// and messages keep their order.
    public static func < (lhs: ProxyKey, rhs: ProxyKey) -> Bool {
        switch (lhs, rhs) {
        case (.node(let a), .node(let b)), (.fleet(let a), .fleet(let b)): a < b
        default: lhs.description < rhs.description
        }
    }
}

extension ProxyKey: CustomStringConvertible {
    /// The textual form: the node id, or `cluster:<name>`.
    public var description: String {
        switch self {
        case .node(let id): id
        case .fleet(let cluster): Self.fleetPrefix + cluster
        }
    }
}

/// In payloads and checkpoints, the textual form as a string: the bytes string keys always had.
extension ProxyKey: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) { writer.writeString(description) }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> ProxyKey {
        ProxyKey(try reader.readString())
    }
}

/// In JSON (event payloads, answers), the textual form as a string.
extension ProxyKey: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
