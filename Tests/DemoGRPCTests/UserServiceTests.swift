import GRPCCore
import GRPCNIOTransportHTTP2
import Testing

@testable import DemoGRPC

@Suite("UserService over a real HTTP/2 socket")
struct UserServiceTests {
    @Test("GetUser returns a seeded user, and the initial metadata names the instance")
    func getUser() async throws {
        try await withLiveClient(instanceName: "grpc-7") { client in
            let answer = try await client.getUser(id: "1")
            #expect(answer.value == UserDirectory.seed[0])
            #expect(answer.value.createdAtUnix == 1_700_000_000)
            #expect(answer.instanceName == "grpc-7")
        }
    }

    @Test("GetUser of an unknown id is NOT_FOUND with the id in the message, still naming the instance")
    func getUnknownUser() async throws {
        try await withLiveClient { client in
            let error = try #require(await callError { try await client.getUser(id: "404") })
            #expect(error.code == "NOT_FOUND")
            #expect(error.codeNumber == 5)
            #expect(error.message.contains("\"404\""))
            #expect(error.instanceName == "grpc-test")
        }
    }

    @Test("GetUser with an empty id is INVALID_ARGUMENT naming the id field")
    func getUserWithoutID() async throws {
        try await withLiveClient { client in
            let error = try #require(await callError { try await client.getUser(id: "") })
            #expect(error.code == "INVALID_ARGUMENT")
            #expect(error.message == "id: must not be empty")
        }
    }

    @Test("ListUsers streams every seeded user in id order")
    func listUsers() async throws {
        try await withLiveClient { client in
            let answer = try await client.listUsers()
            #expect(answer.value.map(\.id) == ["1", "2", "3"])
            #expect(answer.instanceName == "grpc-test")
        }
    }

    @Test("ListUsers filters on name or email ignoring case, and page_size limits the stream")
    func listUsersFilteredAndPaged() async throws {
        try await withLiveClient { client in
            let grace = try await client.listUsers(filter: "GRACE")
            #expect(grace.value.map(\.id) == ["2"])
            let firstTwo = try await client.listUsers(filter: "example.com", pageSize: 2)
            #expect(firstTwo.value.map(\.id) == ["1", "2"])
            let nobody = try await client.listUsers(filter: "nobody")
            #expect(nobody.value.isEmpty)
            let unlimited = try await client.listUsers(pageSize: 0)
            #expect(unlimited.value.count == 3)
        }
    }

    @Test("ListUsers with a negative page_size is INVALID_ARGUMENT naming page_size")
    func listUsersNegativePageSize() async throws {
        try await withLiveClient { client in
            let error = try #require(await callError { try await client.listUsers(pageSize: -1) })
            #expect(error.code == "INVALID_ARGUMENT")
            #expect(error.message.hasPrefix("page_size:"))
            #expect(error.instanceName == "grpc-test")
        }
    }

    @Test("CreateUsers creates every streamed user with the next ids, and GetUser finds them")
    func createUsers() async throws {
        try await withLiveClient { client in
            let answer = try await client.createUsers([
                NewUser(name: "alice", email: "alice@example.com"), NewUser(name: " bob ", email: "bob@example.com"),
            ])
            #expect(answer.value.map(\.id) == ["4", "5"])
            #expect(answer.value.map(\.name) == ["alice", "bob"])
            #expect(answer.value.allSatisfy { $0.createdAtUnix != nil })
            #expect(answer.instanceName == "grpc-test")
            #expect(try await client.getUser(id: "5").value.email == "bob@example.com")
            #expect(try await client.listUsers().value.count == 5)
        }
    }

    @Test("CreateUsers with a bad email is INVALID_ARGUMENT naming email, and creates none of the stream")
    func createUsersBadEmail() async throws {
        try await withLiveClient { client in
            let error = try #require(
                await callError {
                    try await client.createUsers([
                        NewUser(name: "alice", email: "alice@example.com"),
                        NewUser(name: "bob", email: "bob-at-example"),
                    ])
                })
            #expect(error.code == "INVALID_ARGUMENT")
            #expect(error.message.hasPrefix("email:"))
            #expect(error.message.contains("user 2"))
            #expect(error.instanceName == "grpc-test")
            #expect(try await client.listUsers().value.count == 3)
        }
    }

    @Test("CreateUsers with a blank name is INVALID_ARGUMENT naming name")
    func createUsersBlankName() async throws {
        try await withLiveClient { client in
            let error = try #require(
                await callError { try await client.createUsers([NewUser(name: "  ", email: "x@example.com")]) })
            #expect(error.code == "INVALID_ARGUMENT")
            #expect(error.message.hasPrefix("name:"))
        }
    }

    @Test("Chat answers each message with the instance's reply, in order")
    func chat() async throws {
        try await withLiveClient(instanceName: "grpc-2") { client in
            let answer = try await client.chat(["hello", "there"])
            #expect(answer.value == ["grpc-2 heard: hello", "grpc-2 heard: there"])
            #expect(answer.instanceName == "grpc-2")
        }
    }

    @Test("Chat replies to a message before the next one is sent")
    func chatInterleaves() async throws {
        try await withRawClient { client in
            let users = Demo_User_V1_UserService.Client(wrapping: client)
            let (replies, reply) = AsyncStream.makeStream(of: String.self)
            try await users.chat(
                requestProducer: { writer in
                    var heard = replies.makeAsyncIterator()
                    for text in ["one", "two", "three"] {
                        var message = Demo_User_V1_ChatMessage()
                        message.userID = "u1"
                        message.text = text
                        try await writer.write(message)
                        // The stream stays open, so a reply here can only come from per-message answering.
                        #expect(await heard.next() == "grpc-test heard: \(text)")
                    }
                },
                onResponse: { response in
                    #expect(response.metadata[stringValues: "x-backend-instance"].map { $0 } == ["grpc-test"])
                    for try await message in response.messages {
                        #expect(message.userID == "u1")
                        reply.yield(message.text)
                    }
                    reply.finish()
                })
        }
    }
}
