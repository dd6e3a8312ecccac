import ArgumentParser
import DemoGRPC
import Foundation

/// A grpcurl-style client of the demo backend, for the README and for poking at Envoy by hand.
@main
struct DemoGRPCClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-grpc-client",
        abstract: "Call the demo gRPC backend (directly, or through Envoy's gRPC listener).",
        subcommands: [GetUser.self, ListUsers.self, CreateUsers.self, Chat.self, Health.self])

    @OptionGroup var target: Target
}

struct Target: ParsableArguments {
    @Option(help: "host:port of the backend or of Envoy's gRPC listener.") var target = "127.0.0.1:50051"

    func validate() throws {
        _ = try endpoint()
    }

    func endpoint() throws -> (host: String, port: Int) {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
            (1...65535).contains(port), colon != target.startIndex
        else { throw ValidationError("--target must be host:port with a port in 1...65535, got \"\(target)\"") }
        var host = String(target[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// Runs `body` against the target and prints what came back, or the status and exits 1.
    func call<Value: Encodable & Sendable>(
        _ body: @Sendable (DemoUserClient) async throws -> DemoUserClient.Answer<Value>
    ) async throws {
        let (host, port) = try endpoint()
        do {
            let answer = try await DemoUserClient.connect(host: host, port: port, body)
            print(try Self.json(answer.value))
            print("x-backend-instance: \(answer.instanceName ?? "(none)")")
        } catch let error as DemoCallError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            if let instance = error.instanceName { print("x-backend-instance: \(instance)") }
            throw ExitCode.failure
        }
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

struct GetUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get-user", abstract: "UserService.GetUser (unary).")
    @OptionGroup var target: Target
    @Argument(help: "The user's id.") var id: String

    func run() async throws {
        try await target.call { [id] in try await $0.getUser(id: id) }
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-users", abstract: "UserService.ListUsers (server streaming).")
    @OptionGroup var target: Target
    @Option(help: "Only users whose name or email contains this.") var filter: String?
    @Option(help: "At most this many users.") var pageSize: Int?

    func run() async throws {
        try await target.call { [filter, pageSize] in try await $0.listUsers(filter: filter, pageSize: pageSize) }
    }
}

struct CreateUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-users", abstract: "UserService.CreateUsers (client streaming).")
    @OptionGroup var target: Target
    @Argument(help: "Users as name:email, e.g. alice:alice@example.com.") var users: [String]

    func validate() throws {
        _ = try newUsers()
    }

    private func newUsers() throws -> [NewUser] {
        try users.map { argument in
            guard let colon = argument.firstIndex(of: ":") else {
                throw ValidationError("user \"\(argument)\" must be name:email")
            }
            return NewUser(name: String(argument[..<colon]), email: String(argument[argument.index(after: colon)...]))
        }
    }

    func run() async throws {
        let newUsers = try newUsers()
        try await target.call { client in
            let created = try await client.createUsers(newUsers)
            return .init(
                value: CreatedUsers(createdCount: created.value.count, users: created.value),
                instanceName: created.instanceName)
        }
    }
}

struct CreatedUsers: Encodable, Sendable {
    let createdCount: Int
    let users: [DemoUser]
}

struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chat", abstract: "UserService.Chat (bidirectional).")
    @OptionGroup var target: Target
    @Argument(help: "Messages to send, one per argument.") var messages: [String]

    func run() async throws {
        try await target.call { [messages] in try await $0.chat(messages) }
    }
}

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "grpc.health.v1.Health/Check.")
    @OptionGroup var target: Target
    @Option(help: "The service to ask about; empty means the whole server.") var service = ""

    func run() async throws {
        try await target.call { [service] client in
            let answer = try await client.healthCheck(service: service)
            return .init(value: ["status": answer.value], instanceName: answer.instanceName)
        }
    }
}
