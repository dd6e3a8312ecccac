/// What `TokenIssued` records: a bearer token's name, role, expiry and issuer, and the SHA-256
/// of its secret (lowercase hex). The secret itself is never stored anywhere.
public struct TokenGrant: Equatable, Sendable, Encodable {
    public var name: String
    public var role: Role
    /// Milliseconds since the epoch; nil for a token that never expires.
    public var expiresAt: Int64?
    /// The actor that issued it (`cli:alice`, `token:admin`).
    public var issuer: String
    public var secretSHA256: String

    public init(name: String, role: Role, expiresAt: Int64?, issuer: String, secretSHA256: String) {
        self.name = name
        self.role = role
        self.expiresAt = expiresAt
        self.issuer = issuer
        self.secretSHA256 = secretSHA256
    }

    enum CodingKeys: String, CodingKey {
        case name, role, issuer
        case expiresAt = "expires_at"
        case secretSHA256 = "secret_sha256"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(role, forKey: .role)
        // Always present, null for never, so every TokenIssued prints one shape.
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(secretSHA256, forKey: .secretSHA256)
    }
}

extension TokenGrant: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(name)
        writer.writeString(role.rawValue)
        writer.writeOptional(expiresAt) { $0.writeVarInt($1) }
        writer.writeString(issuer)
        writer.writeString(secretSHA256)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> TokenGrant {
        let name = try reader.readString()
        let roleName = try reader.readString()
        guard let role = Role(rawValue: roleName) else { throw PayloadError("unknown role '\(roleName)'") }
        let expiresAt = try reader.readOptional { reader throws(PayloadError) in try reader.readVarInt() }
        let issuer = try reader.readString()
        return TokenGrant(
            name: name, role: role, expiresAt: expiresAt, issuer: issuer, secretSHA256: try reader.readString())
    }
}
