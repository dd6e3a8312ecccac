/// What requests a route takes: exactly one of prefix, path or regex, plus optional header conditions.
public struct RouteMatch: Codable, Equatable, Hashable, Sendable {
    public var prefix: String?
    public var path: String?
    public var regex: String?
    public var headers: [HeaderMatch]

    public init(prefix: String? = nil, path: String? = nil, regex: String? = nil, headers: [HeaderMatch] = []) {
        self.prefix = prefix
        self.path = path
        self.regex = regex
        self.headers = headers
    }

    enum CodingKeys: String, CodingKey {
        case prefix, path, regex, headers
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        prefix = try c.decodeIfPresent(String.self, forKey: .prefix)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        regex = try c.decodeIfPresent(String.self, forKey: .regex)
        headers = try c.decodeIfPresent([HeaderMatch].self, forKey: .headers) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(prefix, forKey: .prefix)
        try c.encodeIfPresent(path, forKey: .path)
        try c.encodeIfPresent(regex, forKey: .regex)
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
    }
}
