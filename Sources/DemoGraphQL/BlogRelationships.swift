import Graphiti

/// The edges between records, resolved from the store when a query asks for them, so a
/// nested query always sees current data (a new comment shows up under its post at once).

/// A record points at one that is gone: only possible if a post is deleted while a query
/// that already holds one of its comments is running.
struct DanglingReference: Error, CustomStringConvertible {
    let description: String
}

extension User {
    func posts(context: BlogStore, arguments: NoArguments) -> [Post] {
        context.posts(authorID: id)
    }
}

extension Post {
    func author(context: BlogStore, arguments: NoArguments) throws -> User {
        guard let user = context.user(id: authorID) else {
            throw DanglingReference(description: "post \(id) names author \(authorID), who does not exist")
        }
        return user
    }

    func comments(context: BlogStore, arguments: NoArguments) -> [Comment] {
        context.comments(postID: id)
    }
}

extension Comment {
    func author(context: BlogStore, arguments: NoArguments) throws -> User {
        guard let user = context.user(id: authorID) else {
            throw DanglingReference(description: "comment \(id) names author \(authorID), who does not exist")
        }
        return user
    }

    /// Nullable: the post may be deleted between resolving the comment and this field.
    func post(context: BlogStore, arguments: NoArguments) -> Post? {
        context.post(id: postID)
    }
}
