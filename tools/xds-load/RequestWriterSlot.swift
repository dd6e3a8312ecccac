import GRPCCore
import Synchronization

/// Hands a stream's request writer to its response side, so ACKs are written by the task that read the
/// response rather than passed to another task first, and keeps the request side open until `close()`.
final class RequestWriterSlot<Request: Sendable>: Sendable {
    private struct State {
        var writer: RPCWriter<Request>?
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let state = Mutex(State())

    /// The writer while the request side is open.
    var writer: RPCWriter<Request>? { state.withLock { $0.writer } }

    func attach(_ writer: RPCWriter<Request>) {
        state.withLock { state in
            if !state.closed { state.writer = writer }
        }
    }

    /// Suspends the request side until `close()` or cancellation; returning from it half-closes the stream.
    func waitUntilClosed() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let closed = state.withLock { state in
                    if !state.closed { state.waiter = continuation }
                    return state.closed
                }
                if closed { continuation.resume() }
            }
        } onCancel: {
            close()
        }
    }

    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            state.writer = nil
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
