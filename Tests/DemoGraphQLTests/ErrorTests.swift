import DemoGraphQL
import Foundation
import Testing

@Suite("errors: GraphQL's shape, the argument named, the right status")
struct ErrorTests {
    @Test(
        "a refused mutation argument is a 200 with data null and an error naming the argument, its location and path",
        arguments: [
            (#"createUser(name: "  ", email: "x@example.com") { id }"#, "name", "must not be empty"),
            (#"createUser(name: "X", email: "not-an-email") { id }"#, "email", "not an email address"),
            (#"createUser(name: "X", email: "ADA@example.com") { id }"#, "email", "already exists"),
            (#"createPost(authorId: "42", title: "T", body: "B") { id }"#, "authorId", "no user has id \"42\""),
            (#"createPost(authorId: "1", title: "", body: "B") { id }"#, "title", "must not be empty"),
            (#"addComment(postId: "9", authorId: "1", body: "B") { id }"#, "postId", "no post has id \"9\""),
            (#"addComment(postId: "1", authorId: "9", body: "B") { id }"#, "authorId", "no user has id \"9\""),
            (#"addComment(postId: "1", authorId: "1", body: " ") { id }"#, "body", "must not be empty"),
            (#"deletePost(id: "77") { id }"#, "id", "no post has id \"77\""),
        ])
    func refusedArgument(field: String, argument: String, reason: String) async throws {
        try await withApp { client in
            let answer = try await client.graphQL("mutation {\n  \(field)\n}")
            #expect(answer.status == .ok)
            #expect(answer.object.keys.contains("data"))
            #expect(answer.object["data"] is NSNull)
            let error = try #require(answer.errors.first)
            let message = error["message"] as? String ?? ""
            #expect(message.contains("argument \"\(argument)\""), "\(message)")
            #expect(message.contains(reason), "\(message)")
            let location = (error["locations"] as? [[String: Int]])?.first
            #expect(location == ["line": 2, "column": 3])
            #expect((error["path"] as? [String])?.count == 1)
            let extensions = error["extensions"] as? [String: String]
            #expect(extensions == ["code": "BAD_USER_INPUT", "argument": argument])
        }
    }

    @Test("a refused mutation changes nothing")
    func refusedChangesNothing() async throws {
        try await withApp { client in
            _ = try await client.graphQL(#"mutation { createPost(authorId: "42", title: "T", body: "B") { id } }"#)
            let posts = try await client.graphQL("{ posts { id } }")
            #expect(posts.data?.list("posts").count == 3)
        }
    }

    @Test("a negative limit is an error on that field only; the rest of data survives")
    func negativeLimit() async throws {
        try await withApp { client in
            let answer = try await client.graphQL(#"{ users(limit: -1) { id } user(id: "1") { name } }"#)
            #expect(answer.status == .ok)
            #expect(answer.firstMessage.contains("argument \"limit\""), "\(answer.text)")
            #expect(answer.errors.first?["path"] as? [String] == ["users"])
            #expect(answer.data?["users"] is NSNull)
            #expect(answer.data?.object("user")?.string("name") == "Ada Lovelace")
        }
    }

    @Test("an unknown field is a validation error: 200, no data, the field named and located")
    func unknownField() async throws {
        try await withApp { client in
            let answer = try await client.graphQL("{ users { id nickname } }")
            #expect(answer.status == .ok)
            #expect(answer.object["data"] == nil)
            #expect(answer.firstMessage.contains("nickname"), "\(answer.text)")
            #expect(answer.errors.first?["locations"] != nil)
        }
    }

    @Test("a wrongly typed or missing argument is a validation error naming it")
    func badArgumentType() async throws {
        try await withApp { client in
            let wrongType = try await client.graphQL("{ users(limit: \"two\") { id } }")
            #expect(wrongType.status == .ok)
            #expect(wrongType.object["data"] == nil)
            #expect(
                wrongType.firstMessage.contains("limit") || wrongType.firstMessage.contains("Int"), "\(wrongType.text)")
            let missing = try await client.graphQL("{ user { id } }")
            #expect(missing.firstMessage.contains("\"id\""), "\(missing.text)")
            let unknown = try await client.graphQL("{ users(first: 2) { id } }")
            #expect(unknown.firstMessage.contains("\"first\""), "\(unknown.text)")
            let badVariable = try await client.graphQL(
                "query Q($n: Int) { users(limit: $n) { id } }", variables: ["n": "lots"])
            #expect(badVariable.firstMessage.contains("$n"), "\(badVariable.text)")
        }
    }

    @Test("a syntax error is a 400 with the error located in the query")
    func syntaxError() async throws {
        try await withApp { client in
            let answer = try await client.graphQL("{ users { id ")
            #expect(answer.status == .badRequest)
            #expect(answer.object["data"] == nil)
            #expect(answer.firstMessage.contains("Syntax Error"), "\(answer.text)")
            let location = (answer.errors.first?["locations"] as? [[String: Int]])?.first
            #expect(location?["line"] == 1)
        }
    }

    @Test(
        "a body that is not a usable GraphQL request is a 400 with an errors array saying why",
        arguments: [
            ("query=%7B+users+%7D", "not JSON"),
            ("", "not JSON"),
            (#"["{ users { id } }"]"#, "JSON object"),
            (#"{"variables": {}}"#, "no \"query\""),
            (#"{"query": 42}"#, "\"query\" must be a string"),
            (#"{"query": "{ users { id } }", "variables": [1]}"#, "\"variables\" must be a JSON object"),
            (#"{"query": "{ users { id } }", "operationName": 7}"#, "\"operationName\" must be a string"),
        ])
    func unusableBody(body: String, reason: String) async throws {
        try await withApp { client in
            let answer = try await client.post(raw: body)
            #expect(answer.status == .badRequest)
            #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(answer.firstMessage.contains(reason), "\(answer.text)")
            #expect(answer.headers[.init("x-backend-instance")!] == "graphql-test")
        }
    }

    @Test("a mutation over GET is refused with 405 and Allow: POST, and changes nothing")
    func mutationOverGet() async throws {
        try await withApp { client in
            let mutation = encoded(#"mutation { deletePost(id: "1") { id } }"#)
            let answer = try await client.get("/graphql?query=\(mutation)")
            #expect(answer.status == .methodNotAllowed)
            #expect(answer.headers[.allow] == "POST")
            #expect(answer.firstMessage.contains("POST"), "\(answer.text)")
            let still = try await client.graphQL(#"{ post(id: "1") { id } }"#)
            #expect(still.data?.object("post")?.string("id") == "1")
        }
    }

    @Test("bad GET parameters are a 400: empty query, variables that are not JSON")
    func badGetParameters() async throws {
        try await withApp { client in
            let empty = try await client.get("/graphql?query=")
            #expect(empty.status == .badRequest)
            #expect(empty.firstMessage.contains("\"query\""))
            let variables = try await client.get("/graphql?query=\(encoded("{ users { id } }"))&variables=%7Bnope")
            #expect(variables.status == .badRequest)
            #expect(variables.firstMessage.contains("\"variables\""))
        }
    }

    @Test("an unknown path is a 404 in the same errors shape")
    func unknownPath() async throws {
        try await withApp { client in
            let answer = try await client.get("/nope")
            #expect(answer.status == .notFound)
            #expect(answer.firstMessage.contains("/graphql"), "\(answer.text)")
        }
    }
}
