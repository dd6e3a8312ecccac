import Foundation
import Synchronization

/// The one-writer rule across processes: `writer.lock` in the data directory, held with an
/// exclusive `flock` for as long as the store is open and holding the writer's pid. The kernel
/// drops it when the process dies, so a crash never leaves a stale lock. LMDB alone allows a
/// second writing process, which would append behind the first one's cached head.
final class WriterLock: Sendable {
    static let fileName = "writer.lock"
    /// -1 once released.
    private let descriptor: Mutex<Int32>

    init(directory: String) throws {
        let path = directory + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw EventLogError(.storage, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard Self.lock(fd) else {
            let reason = errno
            let holder = Self.readPID(fd)
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw EventLogError(.storage, "cannot lock \(path): \(String(cString: strerror(reason)))")
            }
            throw EventLogError(
                .locked,
                "the log in \(directory) is already open for writing by another process"
                    + (holder.map { " (pid \($0))" } ?? "")
                    + "; stop it first, or use the HTTP API while it runs (read-only commands such as "
                    + "events, state, versions, diff, verify and export still work)")
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) != 0 || pwrite(fd, pid, pid.count, 0) != pid.count {
            close(fd)
            throw EventLogError(.storage, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = Mutex(fd)
    }

    /// Lets another writer in; closing the store does this, so a test or a tool may reopen.
    func release() {
        descriptor.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Tries for up to half a second: a process that forks (to spawn a child) holds a copy of
    /// every descriptor until the child execs, so a lock just released can look held for a moment.
    private static func lock(_ fd: Int32) -> Bool {
        for attempt in 0..<50 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK, attempt < 49 else { return false }
            usleep(10_000)
        }
        return false
    }

    /// The pid the holder wrote, if it is readable.
    private static func readPID(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &bytes, bytes.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit {
        release()
    }
}
