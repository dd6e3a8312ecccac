import Graphiti

/// The GraphQL schema in Graphiti's DSL: three object types, their edges both ways, the
/// queries and the mutations. Only Graphiti is imported here, because GraphQL's AST also has
/// types named `Field` and `Argument`.
enum BlogSchema {
    static func make() throws -> Schema<BlogResolver, BlogStore> {
        try Schema<BlogResolver, BlogStore> {
            Scalar(ID.self, as: "ID")
                .description("A unique identifier, serialized as a string; integer literals are accepted.")

            Type(User.self) {
                Field("id", at: \.id)
                Field("name", at: \.name)
                Field("email", at: \.email)
                Field("posts", at: User.posts)
                    .description("The user's posts, oldest first.")
            }
            .description("Someone who writes posts and comments.")

            Type(Post.self) {
                Field("id", at: \.id)
                Field("title", at: \.title)
                Field("body", at: \.body)
                Field("authorId", at: \.authorID)
                Field("author", at: Post.author)
                Field("comments", at: Post.comments)
                    .description("Comments on this post, oldest first.")
            }
            .description("A post by one user.")

            Type(Comment.self) {
                Field("id", at: \.id)
                Field("body", at: \.body)
                Field("author", at: Comment.author)
                Field("post", at: Comment.post)
                    .description("The post commented on; null only if it was deleted mid-query.")
            }
            .description("A comment by one user on one post.")

            Query {
                Field("users", at: BlogResolver.users) {
                    Argument("limit", at: \.limit)
                        .description("At most this many users (0 or more); all when omitted.")
                }
                Field("user", at: BlogResolver.user) {
                    Argument("id", at: \.id)
                }
                .description("The user with this id, or null.")
                Field("posts", at: BlogResolver.posts) {
                    Argument("authorId", at: \.authorId)
                        .description("Only this user's posts.")
                    Argument("limit", at: \.limit)
                        .description("At most this many posts (0 or more); all when omitted.")
                }
                Field("post", at: BlogResolver.post) {
                    Argument("id", at: \.id)
                }
                .description("The post with this id, or null.")
            }

            Mutation {
                Field("createUser", at: BlogResolver.createUser) {
                    Argument("name", at: \.name)
                    Argument("email", at: \.email)
                }
                .description("Adds a user; the email must be unique.")
                Field("createPost", at: BlogResolver.createPost) {
                    Argument("authorId", at: \.authorId)
                    Argument("title", at: \.title)
                    Argument("body", at: \.body)
                }
                Field("addComment", at: BlogResolver.addComment) {
                    Argument("postId", at: \.postId)
                    Argument("authorId", at: \.authorId)
                    Argument("body", at: \.body)
                }
                Field("deletePost", at: BlogResolver.deletePost) {
                    Argument("id", at: \.id)
                }
                .description("Deletes a post and its comments, and returns the post as it was.")
            }
        }
    }
}
