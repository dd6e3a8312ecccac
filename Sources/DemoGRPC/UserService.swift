import GRPCCore

/// demo.user.v1.UserService over the in-memory directory: one RPC of each of gRPC's four shapes.
struct UserService {
    let directory: UserDirectory
    let instanceName: String
}

extension UserService: Demo_User_V1_UserService.SimpleServiceProtocol {
    func getUser(request: Demo_User_V1_GetUserRequest, context: ServerContext) async throws -> Demo_User_V1_User {
        guard !request.id.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "id: must not be empty")
        }
        guard let user = directory.user(id: request.id) else {
            throw RPCError(code: .notFound, message: "no user with id \"\(request.id)\"")
        }
        return Demo_User_V1_User(user)
    }

    func listUsers(
        request: Demo_User_V1_ListUsersRequest, response: RPCWriter<Demo_User_V1_User>, context: ServerContext
    ) async throws {
        if request.hasPageSize, request.pageSize < 0 {
            throw RPCError(code: .invalidArgument, message: "page_size: must not be negative, got \(request.pageSize)")
        }
        // Absent and 0 both mean every user, as proto3 readers of the field would expect.
        let limit = request.pageSize > 0 ? Int(request.pageSize) : nil
        let users = directory.users(matching: request.hasFilter ? request.filter : nil, limit: limit)
        try await response.write(contentsOf: users.map(Demo_User_V1_User.init))
    }

    func createUsers(
        request: RPCAsyncSequence<Demo_User_V1_CreateUserRequest, any Error>, context: ServerContext
    ) async throws -> Demo_User_V1_CreateUsersResponse {
        var newUsers: [NewUser] = []
        for try await message in request {
            newUsers.append(NewUser(name: message.name, email: message.email))
        }
        do {
            let created = try directory.create(newUsers)
            return Demo_User_V1_CreateUsersResponse.with {
                $0.users = created.map(Demo_User_V1_User.init)
                $0.createdCount = Int32(created.count)
            }
        } catch {
            throw RPCError(code: .invalidArgument, message: error.message)
        }
    }

    func chat(
        request: RPCAsyncSequence<Demo_User_V1_ChatMessage, any Error>, response: RPCWriter<Demo_User_V1_ChatMessage>,
        context: ServerContext
    ) async throws {
        // One reply per message, written before the next is read, so the caller sees the
        // conversation interleave rather than a batch at the end.
        for try await message in request {
            try await response.write(
                Demo_User_V1_ChatMessage.with {
                    $0.userID = message.userID
                    $0.text = "\(instanceName) heard: \(message.text)"
                })
        }
    }
}

extension Demo_User_V1_User {
    init(_ user: DemoUser) {
        self.init()
        id = user.id
        name = user.name
        email = user.email
        if let createdAt = user.createdAtUnix { createdAtUnix = createdAt }
    }
}

extension DemoUser {
    init(_ message: Demo_User_V1_User) {
        self.init(
            id: message.id, name: message.name, email: message.email,
            createdAtUnix: message.hasCreatedAtUnix ? message.createdAtUnix : nil)
    }
}
