import ArgumentParser
import DemoREST
import Foundation
import Logging

/// The seed's REST backend: a product inventory from a CSV file, served over HTTP as JSON.
@main
struct DemoRESTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-rest",
        abstract: "The demo REST backend: a product inventory loaded from CSV, served as JSON.",
        discussion: """
            Endpoints: GET /api/categories, GET /api/products (category, min_price, max_price, q, page, \
            per_page), GET /api/products/{id}, GET /health; for traffic tests GET /api/delay?ms=N and \
            GET /debug/requests.
            """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one.")
    var port = DemoRESTConfiguration.defaultPort

    @Option(help: "This instance's name, sent as x-backend-instance on every answer.")
    var instanceName = DemoRESTConfiguration.defaultInstanceName

    @Option(name: .customLong("data"), help: "The product CSV (id,name,category,price,stock,description).")
    var dataPath = DemoRESTConfiguration.defaultDataPath

    @Option(help: "Answer every N-th /api request with 503 injected_failure; 0 never.")
    var failEvery = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535, not \(port)") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        if let problem = DemoRESTConfiguration.problem(withInstanceName: instanceName) {
            throw ValidationError("--instance-name \(problem)")
        }
        guard !dataPath.isEmpty else { throw ValidationError("--data must name a file") }
        guard failEvery >= 0 else { throw ValidationError("--fail-every must be 0 (never) or more, not \(failEvery)") }
    }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardOutput)
        let configuration = DemoRESTConfiguration(
            host: host, port: port, instanceName: instanceName, dataPath: dataPath, failEvery: failEvery)
        let app = try buildApplication(configuration: configuration) { [host, instanceName] port in
            // Supervisors wait for exactly this line, with the real port when --port is 0.
            // Written straight to the descriptor, so it is never held in a buffer when stdout is a pipe.
            FileHandle.standardOutput.write(Data("demo-rest listening on \(host):\(port) as \(instanceName)\n".utf8))
        }
        try await app.runService()
    }

    /// Every error is one line on stderr and a non-zero exit, never a usage dump or a stack trace;
    /// `--help` still prints the full help.
    static func main() async {
        let command: Self
        do {
            command = try parse()
        } catch {
            let code = exitCode(for: error)
            guard code != .success else {
                print(fullMessage(for: error))
                Foundation.exit(code.rawValue)
            }
            fail(message(for: error), code: code.rawValue)
        }
        do {
            try await command.run()
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            fail(String(describing: error), code: 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("demo-rest: error: \(message)\n".utf8))
        Foundation.exit(code == 0 ? 1 : code)
    }
}
