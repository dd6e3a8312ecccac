import DemoGraphQL
import Foundation
import Testing

@Suite("queries over the seeded data")
struct QueryTests {
    @Test("users lists the seeded users in id order, with ids as strings from \"1\"")
    func users() async throws {
        try await withApp { client in
            let answer = try await client.graphQL("{ users { id name email } }")
            #expect(answer.status == .ok)
            #expect(answer.errors.isEmpty)
            let users = answer.data?.list("users") ?? []
            #expect(users.compactMap { $0.string("id") } == ["1", "2", "3"])
            #expect(users.first?.string("name") == "Ada Lovelace")
            #expect(users.first?.string("email") == "ada@example.com")
        }
    }

    @Test("users(limit:), user(id:), posts(authorId:, limit:) and post(id:) select by their arguments")
    func arguments() async throws {
        try await withApp { client in
            let answer = try await client.graphQL(
                """
                {
                  users(limit: 2) { id }
                  user(id: "2") { name }
                  byInt: user(id: 3) { name }
                  nobody: user(id: "99") { name }
                  posts(authorId: "1", limit: 1) { id title }
                  allPosts: posts { id }
                  post(id: "3") { title authorId }
                }
                """)
            #expect(answer.errors.isEmpty, "\(answer.text)")
            let data = try #require(answer.data)
            #expect(data.list("users").compactMap { $0.string("id") } == ["1", "2"])
            #expect(data.object("user")?.string("name") == "Grace Hopper")
            #expect(data.object("byInt")?.string("name") == "Alan Turing")
            #expect(data["nobody"] is NSNull)
            #expect(data.list("posts").compactMap { $0.string("title") } == ["Notes on the Analytical Engine"])
            #expect(data.list("allPosts").compactMap { $0.string("id") } == ["1", "2", "3"])
            #expect(data.object("post")?.string("authorId") == "2")
        }
    }

    @Test("variables and operationName pick the operation and fill its arguments")
    func variables() async throws {
        try await withApp { client in
            let answer = try await client.graphQL(
                """
                query One($id: ID!) { user(id: $id) { name } }
                query Other { users(limit: 1) { id } }
                """, variables: ["id": "1"], operationName: "One")
            #expect(answer.errors.isEmpty, "\(answer.text)")
            #expect(answer.data?.object("user")?.string("name") == "Ada Lovelace")
        }
    }

    @Test("a nested query walks user -> posts -> comments -> author and back up comment -> post -> author")
    func nested() async throws {
        try await withApp { client in
            let answer = try await client.graphQL(
                """
                {
                  user(id: "1") {
                    name
                    posts {
                      title
                      comments { body author { name } post { id author { name } } }
                    }
                  }
                }
                """)
            #expect(answer.errors.isEmpty, "\(answer.text)")
            let posts = answer.data?.object("user")?.list("posts") ?? []
            #expect(posts.count == 2)
            let comments = posts.first?.list("comments") ?? []
            #expect(comments.compactMap { $0.object("author")?.string("name") } == ["Grace Hopper", "Alan Turing"])
            #expect(comments.first?.object("post")?.string("id") == "1")
            #expect(comments.first?.object("post")?.object("author")?.string("name") == "Ada Lovelace")
        }
    }

    @Test("data keeps the field order the query asked for")
    func fieldOrder() async throws {
        try await withApp { client in
            let answer = try await client.graphQL(#"{ user(id: "1") { name id email } }"#)
            #expect(
                answer.text.contains(#"{"name":"Ada Lovelace","id":"1","email":"ada@example.com"}"#), "\(answer.text)")
        }
    }

    @Test("GET /graphql?query= runs a query, variables as JSON text")
    func getQuery() async throws {
        try await withApp { client in
            let query = encoded("query Q($id: ID!) { user(id: $id) { name } }")
            let answer = try await client.get("/graphql?query=\(query)&variables=\(encoded(#"{"id":"2"}"#))")
            #expect(answer.status == .ok)
            #expect(answer.data?.object("user")?.string("name") == "Grace Hopper")
            let spaced = try await client.get("/graphql?query=%7B+users(limit:+1)+%7B+id+%7D+%7D")
            #expect(spaced.data?.list("users").count == 1, "\(spaced.text)")
        }
    }
}
