/// A user of the demo directory, as the server keeps it and as `DemoUserClient` returns it.
public struct DemoUser: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var email: String
    /// Seconds since 1970; absent when the backend did not say.
    public var createdAtUnix: Int64?

    public init(id: String, name: String, email: String, createdAtUnix: Int64? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.createdAtUnix = createdAtUnix
    }
}

/// The fields of a user to create; the directory assigns the id and the creation time.
public struct NewUser: Sendable, Hashable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}
