import DemoGraphQL
import Foundation
import Testing

@Suite("mutations and their effect on later queries")
struct MutationTests {
    @Test("createUser returns the user with the next id, and users lists it")
    func createUser() async throws {
        try await withApp { client in
            let created = try await client.graphQL(
                #"mutation { createUser(name: " Barbara Liskov ", email: "Barbara@Example.com") { id name email } }"#)
            #expect(created.errors.isEmpty, "\(created.text)")
            let user = created.data?.object("createUser")
            #expect(user?.string("id") == "4")
            #expect(user?.string("name") == "Barbara Liskov")
            #expect(user?.string("email") == "barbara@example.com")
            let listed = try await client.graphQL("{ users { id } user(id: \"4\") { name } }")
            #expect(listed.data?.list("users").compactMap { $0.string("id") } == ["1", "2", "3", "4"])
            #expect(listed.data?.object("user")?.string("name") == "Barbara Liskov")
        }
    }

    @Test("createPost, with variables, shows up under its author and in posts(authorId:)")
    func createPost() async throws {
        try await withApp { client in
            let created = try await client.graphQL(
                """
                mutation New($author: ID!, $title: String!, $body: String!) {
                  createPost(authorId: $author, title: $title, body: $body) { id title author { name } comments { id } }
                }
                """, variables: ["author": "3", "title": "Computing machinery", "body": "Can machines think?"])
            #expect(created.errors.isEmpty, "\(created.text)")
            let post = created.data?.object("createPost")
            #expect(post?.string("id") == "4")
            #expect(post?.object("author")?.string("name") == "Alan Turing")
            #expect(post?.list("comments").isEmpty == true)
            let later = try await client.graphQL(#"{ posts(authorId: "3") { id } user(id: "3") { posts { title } } }"#)
            #expect(later.data?.list("posts").compactMap { $0.string("id") } == ["4"])
            #expect(later.data?.object("user")?.list("posts").first?.string("title") == "Computing machinery")
        }
    }

    @Test("addComment shows up under its post, last, with its author")
    func addComment() async throws {
        try await withApp { client in
            let added = try await client.graphQL(
                #"mutation { addComment(postId: "3", authorId: "3", body: "Was it a real moth?") { id post { id } } }"#)
            #expect(added.errors.isEmpty, "\(added.text)")
            #expect(added.data?.object("addComment")?.string("id") == "5")
            #expect(added.data?.object("addComment")?.object("post")?.string("id") == "3")
            let later = try await client.graphQL(#"{ post(id: "3") { comments { body author { name } } } }"#)
            let comments = later.data?.object("post")?.list("comments") ?? []
            #expect(comments.compactMap { $0.string("body") } == ["A fine debugging story.", "Was it a real moth?"])
            #expect(comments.last?.object("author")?.string("name") == "Alan Turing")
        }
    }

    @Test("deletePost returns the deleted post; afterwards it and its comments are gone, others stay")
    func deletePost() async throws {
        try await withApp { client in
            let deleted = try await client.graphQL(#"mutation { deletePost(id: "1") { id title } }"#)
            #expect(deleted.errors.isEmpty, "\(deleted.text)")
            #expect(deleted.data?.object("deletePost")?.string("title") == "Notes on the Analytical Engine")
            let later = try await client.graphQL(
                #"{ post(id: "1") { id } posts { id } user(id: "1") { posts { id comments { id } } } }"#)
            #expect(later.data?["post"] is NSNull)
            #expect(later.data?.list("posts").compactMap { $0.string("id") } == ["2", "3"])
            let remaining = later.data?.object("user")?.list("posts") ?? []
            #expect(remaining.compactMap { $0.string("id") } == ["2"])
            #expect(remaining.first?.list("comments").count == 1)
            let again = try await client.graphQL(#"mutation { deletePost(id: "1") { id } }"#)
            #expect(again.firstMessage.contains("\"id\""), "\(again.text)")
            // The comments went with the post: commenting on it is refused.
            let orphan = try await client.graphQL(
                #"mutation { addComment(postId: "1", authorId: "2", body: "hello?") { id } }"#)
            #expect(orphan.firstMessage.contains("\"postId\""), "\(orphan.text)")
        }
    }
}
