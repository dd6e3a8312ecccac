/// Which request header feeds the hash of ring_hash and maglev services.
public struct HashPolicy: Codable, Equatable, Hashable, Sendable {
    public var header: String

    public init(header: String) {
        self.header = header
    }

    enum CodingKeys: String, CodingKey {
        case header
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        header = try c.decode(String.self, forKey: .header)
    }
}
