import Foundation

/// A fresh directory under the system's temporary folder, removed with everything in it when
/// the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("logbook-tests-" + UUID().uuidString.lowercased(), isDirectory: true).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs `body` with the path of a fresh temporary directory and removes the directory when
/// `body` returns or throws. Whatever `body` opens inside it must not outlive it.
public func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = try TemporaryDirectory()
    return try withExtendedLifetime(directory) { try body(directory.path) }
}

/// The async form of `withTemporaryDirectory`.
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { withExtendedLifetime(directory) {} }
    return try await body(directory.path)
}
