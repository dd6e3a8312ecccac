import ArgumentParser
import DemoGRPC
import Foundation
import Logging
import ServiceLifecycle

struct DemoGRPCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-grpc",
        abstract: "The seed's gRPC backend: demo.user.v1.UserService and grpc.health.v1.Health over plaintext HTTP/2.")

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one.") var port = 50051
    @Option(help: "The name sent as x-backend-instance on every response.") var instanceName = "grpc-1"

    func run() async throws {
        if let problem = optionProblem { fail(problem) }
        let server = DemoGRPCServer(
            configuration: .init(host: host, port: port, instanceName: instanceName)
        ) { address in
            // The supervisor waits for exactly this line; flush it past any pipe buffering.
            FileHandle.standardOutput.write(
                Data("demo-grpc listening on \(address.host):\(address.port) as \(instanceName)\n".utf8))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "demo-grpc")))
        do {
            try await group.run()
        } catch {
            fail("cannot serve on \(host):\(port): \(error)")
        }
    }

    /// One line naming the option, rather than ArgumentParser's usage block or a failure at bind.
    private var optionProblem: String? {
        if !(0...65535).contains(port) { return "--port must be 0...65535, got \(port)" }
        if host.isEmpty { return "--host must not be empty" }
        // It travels as an HTTP/2 header value: printable ASCII only.
        if instanceName.isEmpty || !instanceName.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            return "--instance-name must be non-empty printable ASCII without spaces, got \"\(instanceName)\""
        }
        return nil
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("demo-grpc: error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
