/// A comment by one user on one post.
public struct Comment: Sendable, Equatable {
    public let id: ID
    public let postID: ID
    public let authorID: ID
    public let body: String
}
