/// A post by one user; deleting it deletes its comments.
public struct Post: Sendable, Equatable {
    public let id: ID
    public let authorID: ID
    public let title: String
    public let body: String
}
