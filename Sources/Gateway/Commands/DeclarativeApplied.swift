/// Marks the end of the events one declarative file produced; `sourceHash` identifies the file.
public struct DeclarativeApplied: Codable, Equatable, Hashable, Sendable {
    public var sourceHash: String
    public var summary: String

    public init(sourceHash: String, summary: String) {
        self.sourceHash = sourceHash
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case sourceHash = "source_hash"
        case summary
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sourceHash = try c.decode(String.self, forKey: .sourceHash)
        summary = try c.decode(String.self, forKey: .summary)
    }
}
