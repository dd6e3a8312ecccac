/// The root resolvers: one method per field of `Query` and `Mutation`, each with its
/// arguments as a `Codable` struct whose property names are the GraphQL argument names.
/// The context is the store, so every resolver sees the same data.
struct BlogResolver: Sendable {
    struct UsersArguments: Codable, Sendable {
        let limit: Int?
    }

    /// Nullable, like `posts`, so a refused `limit` nulls this field alone and the rest of `data` survives.
    func users(context: BlogStore, arguments: UsersArguments) throws -> [User]? {
        context.users(limit: try Self.checked(limit: arguments.limit))
    }

    struct UserArguments: Codable, Sendable {
        let id: ID
    }

    func user(context: BlogStore, arguments: UserArguments) -> User? {
        context.user(id: arguments.id)
    }

    struct PostsArguments: Codable, Sendable {
        let authorId: ID?
        let limit: Int?
    }

    /// An author id no user has gives an empty list, as any filter that matches nothing does.
    func posts(context: BlogStore, arguments: PostsArguments) throws -> [Post]? {
        context.posts(authorID: arguments.authorId, limit: try Self.checked(limit: arguments.limit))
    }

    struct PostArguments: Codable, Sendable {
        let id: ID
    }

    func post(context: BlogStore, arguments: PostArguments) -> Post? {
        context.post(id: arguments.id)
    }

    struct CreateUserArguments: Codable, Sendable {
        let name: String
        let email: String
    }

    func createUser(context: BlogStore, arguments: CreateUserArguments) throws -> User {
        try context.createUser(name: arguments.name, email: arguments.email)
    }

    struct CreatePostArguments: Codable, Sendable {
        let authorId: ID
        let title: String
        let body: String
    }

    func createPost(context: BlogStore, arguments: CreatePostArguments) throws -> Post {
        try context.createPost(authorID: arguments.authorId, title: arguments.title, body: arguments.body)
    }

    struct AddCommentArguments: Codable, Sendable {
        let postId: ID
        let authorId: ID
        let body: String
    }

    func addComment(context: BlogStore, arguments: AddCommentArguments) throws -> Comment {
        try context.addComment(postID: arguments.postId, authorID: arguments.authorId, body: arguments.body)
    }

    struct DeletePostArguments: Codable, Sendable {
        let id: ID
    }

    func deletePost(context: BlogStore, arguments: DeletePostArguments) throws -> Post {
        try context.deletePost(id: arguments.id)
    }

    private static func checked(limit: Int?) throws -> Int? {
        if let limit, limit < 0 {
            throw BlogInputError(argument: "limit", reason: "must be 0 or more, got \(limit)")
        }
        return limit
    }
}
