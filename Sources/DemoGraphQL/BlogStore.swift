import Foundation
import Synchronization

/// The users, posts and comments, held in memory behind one lock. Every method takes the lock
/// once, so a mutation and the checks it depends on (the author exists, the post exists) are
/// one atomic step. Ids are per-kind counters from 1, so a fresh store always looks the same.
public final class BlogStore: Sendable {
    fileprivate struct State {
        var users: [User] = []
        var posts: [Post] = []
        var comments: [Comment] = []
        var nextUser = 1
        var nextPost = 1
        var nextComment = 1
    }

    private let state = Mutex(State())

    /// An empty store; `seeded()` is the one the server starts with.
    public init() {}

    /// Three users, three posts and four comments, with fixed ids and text.
    public static func seeded() -> BlogStore {
        let store = BlogStore()
        store.state.withLock { state in
            for (name, email) in [
                ("Ada Lovelace", "ada@example.com"), ("Grace Hopper", "grace@example.com"),
                ("Alan Turing", "alan@example.com"),
            ] {
                state.insertUser(name: name, email: email)
            }
            state.insertPost(
                author: "1", title: "Notes on the Analytical Engine", body: "It weaves algebraic patterns.")
            state.insertPost(author: "1", title: "On Bernoulli numbers", body: "A table of operations, step by step.")
            state.insertPost(author: "2", title: "Finding the first bug", body: "A moth, taped into the log book.")
            state.insertComment(post: "1", author: "2", body: "Patterns like a Jacquard loom.")
            state.insertComment(post: "1", author: "3", body: "Can it think, though?")
            state.insertComment(post: "2", author: "3", body: "Note G is the first program.")
            state.insertComment(post: "3", author: "1", body: "A fine debugging story.")
        }
        return store
    }

    // MARK: Reads

    public func users(limit: Int? = nil) -> [User] {
        state.withLock { Array($0.users.prefix(max(0, limit ?? .max))) }
    }

    public func user(id: ID) -> User? {
        state.withLock { state in state.users.first { $0.id == id } }
    }

    public func posts(authorID: ID? = nil, limit: Int? = nil) -> [Post] {
        state.withLock { state in
            let posts = authorID.map { author in state.posts.filter { $0.authorID == author } } ?? state.posts
            return Array(posts.prefix(max(0, limit ?? .max)))
        }
    }

    public func post(id: ID) -> Post? {
        state.withLock { state in state.posts.first { $0.id == id } }
    }

    public func comments(postID: ID) -> [Comment] {
        state.withLock { state in state.comments.filter { $0.postID == postID } }
    }

    // MARK: Mutations

    /// Throws `BlogInputError` naming `name` or `email` when either is unusable or the email is taken.
    public func createUser(name: String, email: String) throws -> User {
        let name = try Self.required(name, argument: "name", maxLength: 100)
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard EmailAddress.isPlausible(email) else {
            throw BlogInputError(
                argument: "email", reason: "\"\(email)\" is not an email address like name@example.com")
        }
        return try state.withLock { state in
            guard !state.users.contains(where: { $0.email == email }) else {
                throw BlogInputError(argument: "email", reason: "a user with email \"\(email)\" already exists")
            }
            return state.insertUser(name: name, email: email)
        }
    }

    public func createPost(authorID: ID, title: String, body: String) throws -> Post {
        let title = try Self.required(title, argument: "title", maxLength: 200)
        let body = try Self.required(body, argument: "body", maxLength: 10_000)
        return try state.withLock { state in
            guard state.users.contains(where: { $0.id == authorID }) else {
                throw BlogInputError(argument: "authorId", reason: "no user has id \"\(authorID)\"")
            }
            return state.insertPost(author: authorID, title: title, body: body)
        }
    }

    public func addComment(postID: ID, authorID: ID, body: String) throws -> Comment {
        let body = try Self.required(body, argument: "body", maxLength: 10_000)
        return try state.withLock { state in
            guard state.posts.contains(where: { $0.id == postID }) else {
                throw BlogInputError(argument: "postId", reason: "no post has id \"\(postID)\"")
            }
            guard state.users.contains(where: { $0.id == authorID }) else {
                throw BlogInputError(argument: "authorId", reason: "no user has id \"\(authorID)\"")
            }
            return state.insertComment(post: postID, author: authorID, body: body)
        }
    }

    /// Removes the post and its comments, and returns the post as it was.
    public func deletePost(id: ID) throws -> Post {
        try state.withLock { state in
            guard let index = state.posts.firstIndex(where: { $0.id == id }) else {
                throw BlogInputError(argument: "id", reason: "no post has id \"\(id)\"")
            }
            state.comments.removeAll { $0.postID == id }
            return state.posts.remove(at: index)
        }
    }

    /// Trimmed `value`, refused when empty or longer than `maxLength` characters.
    private static func required(_ value: String, argument: String, maxLength: Int) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw BlogInputError(argument: argument, reason: "must not be empty") }
        guard trimmed.count <= maxLength else {
            throw BlogInputError(argument: argument, reason: "must be at most \(maxLength) characters")
        }
        return trimmed
    }
}

extension BlogStore.State {
    @discardableResult
    fileprivate mutating func insertUser(name: String, email: String) -> User {
        let user = User(id: ID(String(nextUser)), name: name, email: email)
        nextUser += 1
        users.append(user)
        return user
    }

    @discardableResult
    fileprivate mutating func insertPost(author: ID, title: String, body: String) -> Post {
        let post = Post(id: ID(String(nextPost)), authorID: author, title: title, body: body)
        nextPost += 1
        posts.append(post)
        return post
    }

    @discardableResult
    fileprivate mutating func insertComment(post: ID, author: ID, body: String) -> Comment {
        let comment = Comment(id: ID(String(nextComment)), postID: post, authorID: author, body: body)
        nextComment += 1
        comments.append(comment)
        return comment
    }
}
