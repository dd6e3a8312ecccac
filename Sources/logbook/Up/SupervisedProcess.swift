import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One child of `logbook up`: spawned in its own process group with its output in a log file, so
/// a Ctrl-C at the terminal reaches `up` alone and `up` decides the order in which children stop.
final class SupervisedProcess: @unchecked Sendable {
    // @unchecked: `pid` is set once in `init`; `exitStatus` is guarded by `lock`.
    let name: String
    let pid: pid_t
    let logPath: String
    let errorLogPath: String?
    /// Where this run's output starts in its (appended-to) log, so a failure shows only this run's lines.
    private let logStart: UInt64
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Standard output goes to `logPath`; standard error too, unless `errorLogPath` names its own file.
    init(name: String, executable: String, arguments: [String], logPath: String, errorLogPath: String? = nil) throws {
        self.name = name
        self.logPath = logPath
        self.errorLogPath = errorLogPath
        let watched = errorLogPath ?? logPath
        logStart = ((try? FileManager.default.attributesOfItem(atPath: watched))?[.size] as? UInt64) ?? 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errorLogPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorLogPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group; default signal handlers, whatever `up` ignores or catches.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGHUP)
        sigaddset(&defaults, SIGQUIT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw UpError("cannot start \(name) (\(executable)): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Reaps the child if it has exited; nil while it runs.
    func exited() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            // WEXITSTATUS / WTERMSIG by hand: the C macros do not come through to Swift.
            let signal = status & 0x7f
            exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        } else if result == -1 && errno == ECHILD {
            // Reaped elsewhere: gone, with a status nobody can know.
            exitStatus = -1
        }
        return exitStatus
    }

    var isRunning: Bool { exited() == nil }

    /// SIGTERM, then SIGKILL if it is still there after `grace`; returns once it is reaped.
    func stop(grace: Duration = .seconds(5)) async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if isRunning {
            kill(pid, SIGKILL)
            // SIGKILL cannot be refused; bounded all the same, so `up` never hangs on a child.
            let killed = ContinuousClock.now + .seconds(5)
            while isRunning, ContinuousClock.now < killed { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// The last lines of its log, for a failure message.
    func logTail(lines: Int = 8) -> String {
        guard let data = FileManager.default.contents(atPath: errorLogPath ?? logPath) else { return "" }
        return String(decoding: data.dropFirst(Int(logStart)), as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
