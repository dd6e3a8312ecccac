/// How one instance of the REST backend runs; the CLI's options map onto it one to one.
public struct DemoRESTConfiguration: Sendable {
    public static let defaultPort = 8001
    public static let defaultInstanceName = "rest-1"
    public static let defaultDataPath = "ops/data/products.csv"

    public var host: String
    /// 0 picks a free port; `onServerRunning` is told the real one.
    public var port: Int
    /// Sent as `x-backend-instance` on every answer and shown by `/health` and `/debug/requests`.
    public var instanceName: String
    /// The product CSV, relative to the current directory unless absolute.
    public var dataPath: String
    /// Every N-th request to `/api/*` answers 503 `injected_failure`; 0 never.
    public var failEvery: Int

    public init(
        host: String = "127.0.0.1", port: Int = DemoRESTConfiguration.defaultPort,
        instanceName: String = DemoRESTConfiguration.defaultInstanceName,
        dataPath: String = DemoRESTConfiguration.defaultDataPath, failEvery: Int = 0
    ) {
        self.host = host
        self.port = port
        self.instanceName = instanceName
        self.dataPath = dataPath
        self.failEvery = failEvery
    }

    /// Why `instanceName` cannot go into a header, or nil when it can: letters, digits, `.`, `_`, `-`.
    public static func problem(withInstanceName name: String) -> String? {
        guard (1...64).contains(name.count) else { return "must be 1 to 64 characters" }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            return "may hold only letters, digits, '.', '_' and '-', not '\(name)'"
        }
        return nil
    }
}
