import EventLog
import Foundation
import TestSupport
import Testing

/// The kernel id of a thread, for looking it up in /proc.
private final class ThreadIDBox: @unchecked Sendable {
    var id: pid_t = 0
}

/// The kernel id of the calling thread: /proc/thread-self links to `<pid>/task/<tid>`.
private func currentThreadID() -> pid_t {
    let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
    return pid_t(target.split(separator: "/").last.map(String.init) ?? "") ?? 0
}

/// Whether thread `id` of this process still exists, waiting up to `timeout` for it to end.
private func threadEnds(_ id: pid_t, within timeout: TimeInterval) async throws -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if !FileManager.default.fileExists(atPath: "/proc/self/task/\(id)") { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return !FileManager.default.fileExists(atPath: "/proc/self/task/\(id)")
}

@Suite("The log's lifecycle")
struct LifecycleTests {
    @Test("close() stops the writer thread")
    func closeStopsWriter() async throws {
        try await withTemporaryDirectory { root async throws in
            let writer = ThreadIDBox()
            let done = DispatchSemaphore(value: 0)
            try await withStore(root.sub("log")) { store async throws in
                store.enqueue(request([event()])) { _ in
                    writer.id = currentThreadID()
                    done.signal()
                }
                #expect(done.wait(timeout: .now() + 10) == .success)
                store.close()
            }
            #expect(writer.id != 0)
            #expect(try await threadEnds(writer.id, within: 5))
        }
    }

    @Test("when the last reference to a store goes away during a commit, the writer thread still ends")
    func lastReleaseDuringCommit() async throws {
        try await withTemporaryDirectory { root async throws in
            let writer = ThreadIDBox()
            let inside = DispatchSemaphore(value: 0)
            let proceed = DispatchSemaphore(value: 0)
            weak var released: LMDBEventStore?
            do {
                let store = try LMDBEventStore(directory: root.sub("log"), options: testOptions())
                released = store
                store.enqueue(request([event()])) { _ in
                    writer.id = currentThreadID()
                    inside.signal()
                    // Hold the writer inside its commit until the test has let go of the store.
                    _ = proceed.wait(timeout: .now() + 10)
                }
                withExtendedLifetime(store) { #expect(inside.wait(timeout: .now() + 10) == .success) }
            }
            // The test's reference is gone; the commit in flight holds the last one.
            proceed.signal()
            let ended = try await threadEnds(writer.id, within: 2)
            // The store is gone (its deinit has begun), so nothing leaks a reference to it.
            #expect(released == nil)
            #expect(writer.id != 0)
            #expect(
                ended, "the writer thread is deadlocked in LogWriter.close(), and the LMDB environment is never closed")
        }
    }
}

@Suite("The log's lifecycle, in a child process")
struct LifecycleExitTests {
    @Test("a store dropped without close() while an append is queued does not crash the process")
    func dropWithQueuedAppend() async {
        await #expect(processExitsWith: .success) {
            let root = try TemporaryDirectory()
            for attempt in 0..<100 {
                let store = try LMDBEventStore(directory: root.path.sub("log-\(attempt)"), options: testOptions())
                store.enqueue(request([event()])) { _ in }
            }
        }
    }
}
