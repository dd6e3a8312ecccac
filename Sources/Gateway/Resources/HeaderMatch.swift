/// A request-header condition of a route; exactly one of exact, prefix, regex or present is set.
public struct HeaderMatch: Codable, Equatable, Hashable, Sendable {
    public var name: String
    public var exact: String?
    public var prefix: String?
    public var regex: String?
    public var present: Bool?

    public init(name: String, exact: String? = nil, prefix: String? = nil, regex: String? = nil, present: Bool? = nil) {
        self.name = name
        self.exact = exact
        self.prefix = prefix
        self.regex = regex
        self.present = present
    }

    enum CodingKeys: String, CodingKey {
        case name, exact, prefix, regex, present
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        exact = try c.decodeIfPresent(String.self, forKey: .exact)
        prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
        regex = try c.decodeIfPresent(String.self, forKey: .regex)
        present = try c.decodeIfPresent(Bool.self, forKey: .present)
    }
}
