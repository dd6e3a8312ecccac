import Foundation

/// A test's own failure, with what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Thrown by an `eventually` check to stop polling at once: the awaited thing can no longer happen.
public struct GiveUp: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `check` until it returns a value or `timeout` passes; a `GiveUp` ends it early.
public func eventually<T>(
    within timeout: Duration = .seconds(5), every interval: Duration = .milliseconds(20), _ what: String,
    _ check: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            if let value = try await check() { return value }
        } catch let error as GiveUp {
            throw error
        } catch {}
        if ContinuousClock.now >= deadline { throw TestFailure("timed out after \(timeout): \(what)") }
        try await Task.sleep(for: interval)
    }
}

public struct TimedOut: Error, CustomStringConvertible {
    public let seconds: Double
    public var description: String { "timed out after \(seconds) s" }
}

/// Runs `body`, failing with `TimedOut` when it takes longer than `seconds`; the body is then
/// cancelled. A stream that never ends must fail the test, not hang it.
public func withTimeout<T: Sendable>(
    seconds: Double, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(seconds: seconds)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
