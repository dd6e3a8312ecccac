/// Request mirroring (shadowing): a copy of a share of the traffic goes to another service.
public struct RequestMirror: Codable, Equatable, Hashable, Sendable {
    public var service: String
    public var percent: Int

    public init(service: String, percent: Int = 100) {
        self.service = service
        self.percent = percent
    }

    enum CodingKeys: String, CodingKey {
        case service, percent
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        service = try c.decode(String.self, forKey: .service)
        percent = try c.decodeIfPresent(Int.self, forKey: .percent) ?? 100
    }
}
