/// Someone who writes posts and comments. Users are never deleted, so every author id resolves.
public struct User: Sendable, Equatable {
    public let id: ID
    public let name: String
    public let email: String
}
