import ArgumentParser
import DemoGraphQL
import Foundation

/// `demo-graphql [--host H] [--port P] [--instance-name N]`: serves the blog's GraphQL API
/// until SIGINT or SIGTERM, after printing one `listening` line with the real bound port.
@main
struct DemoGraphQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-graphql", abstract: "A GraphQL backend over in-memory users, posts and comments.")

    @Option(help: "The address to bind.") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0 picks a free one).") var port = 8002
    @Option(help: "The name sent in every response's x-backend-instance header.") var instanceName = "graphql-1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, got \(port)") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard !instanceName.isEmpty, instanceName.utf8.count <= 200,
            instanceName.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else {
            throw ValidationError("--instance-name must be 1-200 printable characters without spaces")
        }
    }

    func run() async throws {
        let configuration = DemoGraphQLConfiguration(host: host, port: port, instanceName: instanceName)
        let app = try buildApplication(configuration: configuration) { port in
            // The supervisor waits for exactly this line; write it unbuffered.
            let line = "demo-graphql listening on \(configuration.host):\(port) as \(configuration.instanceName)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        try await app.runService()
    }

    /// Bad options end in one line on stderr naming the option, not the usage screen;
    /// `--help` still prints the full help.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            FileHandle.standardError.write(Data("demo-graphql: \(message(for: error))\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
