/// One share of a weighted split (weights of one route sum to 100).
public struct WeightedService: Codable, Equatable, Hashable, Sendable {
    public var service: String
    public var weight: Int

    public init(service: String, weight: Int) {
        self.service = service
        self.weight = weight
    }

    enum CodingKeys: String, CodingKey {
        case service, weight
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        service = try c.decode(String.self, forKey: .service)
        weight = try c.decode(Int.self, forKey: .weight)
    }
}
