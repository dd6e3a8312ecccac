/// Where the server listens and the name it reports in `x-backend-instance`.
public struct DemoGraphQLConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var instanceName: String

    public init(host: String = "127.0.0.1", port: Int = 8002, instanceName: String = "graphql-1") {
        self.host = host
        self.port = port
        self.instanceName = instanceName
    }
}
