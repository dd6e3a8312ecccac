import Foundation
import LMDB

/// Work for the writer thread.
enum WriteJob: Sendable {
    case append(AppendRequest, @Sendable (Result<AppendResult, EventLogError>) -> Void)
    case checkpoint(UInt64, [UInt8], @Sendable (Result<Void, EventLogError>) -> Void)
    /// A rare whole-log operation (import, repair) that runs in a transaction of its own.
    case maintenance(@Sendable (WriteTransaction) throws -> Void, @Sendable (Result<Void, EventLogError>) -> Void)

    var isMaintenance: Bool {
        if case .maintenance = self { return true }
        return false
    }

    func fail(_ error: EventLogError) {
        switch self {
        case .append(_, let done): done(.failure(error))
        case .checkpoint(_, _, let done): done(.failure(error))
        case .maintenance(_, let done): done(.failure(error))
        }
    }
}

/// The one thread that writes to LMDB. Jobs queue up while a commit is on its way to disk, and
/// the next commit takes all of them at once: that is the group commit.
///
/// `@unchecked Sendable`: `jobs` and `closed` are only touched with `condition` held.
final class LogWriter: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [WriteJob] = []
    private var closed = false
    private let finished = DispatchSemaphore(value: 0)
    private let maxBatch: Int
    private var started = false
    /// Written and read only on the writer thread.
    private var lastBatchSize = 0
    private var thread: Thread?

    init(maxBatch: Int) {
        self.maxBatch = max(maxBatch, 1)
    }

    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// Starts the thread: `process` runs on it with each batch; `idle` after a minute without work.
    func start(process: @escaping @Sendable ([WriteJob]) -> Void, idle: @escaping @Sendable () -> Void) {
        started = true
        let thread = Thread { [self] in run(process: process, idle: idle) }
        thread.name = "logbook.eventlog.writer"
        self.thread = thread
        thread.start()
    }

    func submit(_ job: WriteJob) {
        condition.lock()
        if closed {
            condition.unlock()
            job.fail(EventLogError(.closed, "the event log is closed"))
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Finishes queued jobs, then stops the thread. Called on the writer thread itself (the
    /// store's last reference dropped during a commit), it only asks the loop to end.
    func close() {
        condition.lock()
        let wasClosed = closed
        closed = true
        condition.signal()
        condition.unlock()
        if !wasClosed && started && Thread.current !== thread { finished.wait() }
    }

    private func run(process: ([WriteJob]) -> Void, idle: () -> Void) {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed {
                if !condition.wait(until: Date(timeIntervalSinceNow: 60)) && jobs.isEmpty {
                    condition.unlock()
                    idle()
                    condition.lock()
                }
            }
            if jobs.isEmpty && closed {
                condition.unlock()
                finished.signal()
                return
            }
            awaitStragglers()
            let batch = takeBatch()
            condition.unlock()
            lastBatchSize = batch.count
            process(batch)
        }
    }

    /// The callers of the last commit are usually about to append again, but they resume one by
    /// one: committing as soon as the first is back would split them over two fsyncs. So wait,
    /// at most `linger`, until as many jobs as last time are queued. One caller never waits.
    private func awaitStragglers() {
        guard jobs.count < lastBatchSize, !closed else { return }
        let deadline = Date(timeIntervalSinceNow: Self.linger)
        while jobs.count < lastBatchSize && !closed {
            if !condition.wait(until: deadline) { return }
        }
    }

    /// Short next to an fsync (about 100 µs here), long next to a task switch.
    static let linger: TimeInterval = 0.000_2

    /// Leading appends and checkpoints up to `maxBatch`, or one maintenance job alone.
    private func takeBatch() -> [WriteJob] {
        if jobs[0].isMaintenance { return [jobs.removeFirst()] }
        var count = 0
        while count < jobs.count && count < maxBatch && !jobs[count].isMaintenance { count += 1 }
        let batch = Array(jobs[0..<count])
        jobs.removeFirst(count)
        return batch
    }
}
