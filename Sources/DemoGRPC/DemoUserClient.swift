import GRPCCore
import GRPCNIOTransportHTTP2

/// A client of the demo backend over plaintext HTTP/2, directly or through Envoy. Calls throw
/// `DemoCallError` for a gRPC status other than OK.
///
///     try await DemoUserClient.connect(host: "127.0.0.1", port: 10001) { client in
///         let answer = try await client.getUser(id: "1")
///         print(answer.user.name, answer.instanceName ?? "?")
///     }
public struct DemoUserClient: Sendable {
    /// A result with the `x-backend-instance` of the backend that produced it (nil if absent).
    public struct Answer<Value: Sendable>: Sendable {
        public let value: Value
        public let instanceName: String?

        public init(value: Value, instanceName: String?) {
            self.value = value
            self.instanceName = instanceName
        }
    }

    private let client: GRPCClient<HTTP2ClientTransport.Posix>

    private var users: Demo_User_V1_UserService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }
    private var health: Grpc_Health_V1_Health.Client<HTTP2ClientTransport.Posix> { .init(wrapping: client) }

    /// Runs `body` with a client connected to `host:port`, and closes the connection after it.
    public static func connect<Result: Sendable>(
        host: String, port: Int, _ body: (DemoUserClient) async throws -> Result
    ) async throws -> Result {
        let transport =
            try host.contains(":")
            ? HTTP2ClientTransport.Posix(target: .ipv6(address: host, port: port), transportSecurity: .plaintext)
            : HTTP2ClientTransport.Posix(target: .dns(host: host, port: port), transportSecurity: .plaintext)
        return try await withGRPCClient(transport: transport) { client in
            try await body(DemoUserClient(client: client))
        }
    }

    public func getUser(id: String) async throws -> Answer<DemoUser> {
        try await calling {
            try await users.getUser(.with { $0.id = id }) { response in
                Answer(value: DemoUser(try response.message), instanceName: response.metadata.backendInstance)
            }
        }
    }

    /// Users in id order; `filter` matches name or email, `pageSize` 0 or nil means all.
    public func listUsers(filter: String? = nil, pageSize: Int? = nil) async throws -> Answer<[DemoUser]> {
        let request = Demo_User_V1_ListUsersRequest.with { request in
            if let filter { request.filter = filter }
            if let pageSize { request.pageSize = Int32(clamping: pageSize) }
        }
        return try await calling {
            try await users.listUsers(request) { response in
                var listed: [DemoUser] = []
                for try await message in response.messages { listed.append(DemoUser(message)) }
                return Answer(value: listed, instanceName: response.metadata.backendInstance)
            }
        }
    }

    /// Streams every user to the backend, which creates all of them or none; returns those created.
    public func createUsers(_ newUsers: [NewUser]) async throws -> Answer<[DemoUser]> {
        try await calling {
            try await users.createUsers(
                requestProducer: { writer in
                    for user in newUsers {
                        try await writer.write(
                            .with {
                                $0.name = user.name
                                $0.email = user.email
                            })
                    }
                },
                onResponse: { response in
                    let message = try response.message
                    return Answer(
                        value: message.users.map(DemoUser.init), instanceName: response.metadata.backendInstance)
                })
        }
    }

    /// Sends each text as a chat message and returns the backend's replies, in order.
    public func chat(_ texts: [String], userID: String = "demo") async throws -> Answer<[String]> {
        try await calling {
            try await users.chat(
                requestProducer: { writer in
                    for text in texts {
                        try await writer.write(
                            .with {
                                $0.userID = userID
                                $0.text = text
                            })
                    }
                },
                onResponse: { response in
                    var replies: [String] = []
                    for try await message in response.messages { replies.append(message.text) }
                    return Answer(value: replies, instanceName: response.metadata.backendInstance)
                })
        }
    }

    /// grpc.health.v1 Check; "" asks about the whole server. An unknown service throws NOT_FOUND.
    public func healthCheck(service: String = "") async throws -> Answer<HealthStatus> {
        try await calling {
            try await health.check(.with { $0.service = service }) { response in
                Answer(
                    value: HealthStatus(try response.message.status), instanceName: response.metadata.backendInstance)
            }
        }
    }

    private func calling<Value>(_ call: () async throws -> Value) async throws -> Value {
        do {
            return try await call()
        } catch let error as RPCError {
            throw DemoCallError(error)
        }
    }
}

extension Metadata {
    var backendInstance: String? {
        self[stringValues: BackendInstanceInterceptor.metadataKey].first { _ in true }
    }
}
