import EnvoyAPI
import GRPCCore
import GRPCProtobuf
import Logging
import Synchronization

/// The Aggregated Discovery Service: state of the world and delta, over one gRPC service.
///
/// Each stream runs one loop that takes, in order, the node's requests and "the snapshot
/// changed" signals. Signals coalesce: a stream that is still writing when several versions
/// land sees only the newest when it comes back, so a slow proxy stalls nobody and never gets
/// the versions in between.
///
/// What a stream that does not read can hold is bounded (`StreamLimits`): requests are read
/// ahead of the loop only while fewer than `inbox` wait (past that, gRPC stops reading and HTTP/2
/// flow control stops the client), responses are encoded one at a time just before their write,
/// so a blocked write holds one response. A stream whose client has not read for
/// `stallTimeout` (its HTTP/2 stream stayed unwritable that long) is closed by the transport,
/// which raises `StalledStreamError` into it (the server's wiring does): the loop reports it
/// (`StreamObserver.stalled`) and ends, and what gRPC buffered for the stream is freed.
///
/// Streams see the rest of Logbook only through a `SnapshotSource` (snapshots and a change
/// signal) and a `StreamObserver` (what the nodes did).
public struct AggregatedDiscoveryService: RegistrableRPCService {
    private let source: any SnapshotSource
    private let observer: any StreamObserver
    public let limits: StreamLimits
    /// Each stream logs with `xds.stream_id` and, once its first request names it, `xds.node_id`.
    private let logger: Logger
    /// Counts what a stream could not do and worked around, by kind (`logbook_errors_total`).
    private let countFailure: @Sendable (String) -> Void

    /// `logger` and `countFailure` report what a stream works around without telling its node
    /// (a reconnecting node's version that cannot be built, counted as `version_snapshot`).
    public init(
        source: any SnapshotSource, observer: any StreamObserver, limits: StreamLimits = .standard,
        logger: Logger = Logger(label: "logbook.xds", factory: { _ in SwiftLogNoOpLogHandler() }),
        countFailure: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.source = source
        self.observer = observer
        self.limits = limits
        self.logger = logger
        self.countFailure = countFailure
    }

    public func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        typealias Methods = Envoy_Service_Discovery_V3_AggregatedDiscoveryService.Method
        router.registerHandler(
            forMethod: Methods.StreamAggregatedResources.descriptor,
            deserializer: ProtobufDeserializer<Envoy_Service_Discovery_V3_DiscoveryRequest>(),
            serializer: WireResponseSerializer(),
            handler: { request, _ in
                StreamingServerResponse { writer in
                    try await stateOfTheWorld(requests: request.messages, writer: writer)
                    return [:]
                }
            })
        router.registerHandler(
            forMethod: Methods.DeltaAggregatedResources.descriptor,
            deserializer: ProtobufDeserializer<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest>(),
            serializer: WireResponseSerializer(),
            handler: { request, _ in
                StreamingServerResponse { writer in
                    try await delta(requests: request.messages, writer: writer)
                    return [:]
                }
            })
    }

    func stateOfTheWorld(
        requests: some AsyncSequence<Envoy_Service_Discovery_V3_DiscoveryRequest, any Error> & Sendable,
        writer: RPCWriter<WireResponse>
    ) async throws {
        let (source, countFailure) = (self.source, self.countFailure)
        try await serve(
            requests: requests, writer: writer, node: { NodeIdentity(id: $0.node.id, cluster: $0.node.cluster) },
            makeSession: { node, logger in
                StateOfTheWorldSession(node: node, observer: observer) { version in
                    do {
                        return try source.snapshot(for: node, at: version)
                    } catch {
                        // The node is then answered as one that claims no version: it is sent the
                        // current resources, which is safe, but the store is broken: say so.
                        logger.error(
                            "could not build the version a reconnecting node runs; sending the current one",
                            metadata: ["xds.claimed_version": "\(version)", "error": "\(error)"])
                        countFailure("version_snapshot")
                        return nil
                    }
                }
            },
            receive: { session, request, snapshot in session.receive(request, snapshot: snapshot).map(\.encoder) },
            update: { session, snapshot in session.update(snapshot: snapshot).map(\.encoder) })
    }

    func delta(
        requests: some AsyncSequence<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest, any Error> & Sendable,
        writer: RPCWriter<WireResponse>
    ) async throws {
        try await serve(
            requests: requests, writer: writer, node: { NodeIdentity(id: $0.node.id, cluster: $0.node.cluster) },
            makeSession: { node, _ in DeltaSession(node: node, observer: observer) },
            receive: { session, request, snapshot in session.receive(request, snapshot: snapshot).map(\.encoder) },
            update: { session, snapshot in session.update(snapshot: snapshot).map(\.encoder) })
    }

    /// The stream loop shared by both variants; only the session type differs. Responses come
    /// as encoders, run just before their write, so a stream blocked in a write holds one
    /// encoded response however many the session answered.
    private func serve<Request: Sendable, Session>(
        requests: some AsyncSequence<Request, any Error> & Sendable,
        writer: RPCWriter<WireResponse>,
        node identify: (Request) -> NodeIdentity,
        makeSession: (NodeIdentity, Logger) -> Session,
        receive: (inout Session, Request, NodeSnapshot) -> [ResponseEncoder],
        update: (inout Session, NodeSnapshot) -> [ResponseEncoder]
    ) async throws {
        let (inbox, feed) = AsyncStream<Inbound<Request>>.makeStream()
        let gate = InboxGate(capacity: limits.inbox)
        let signal = ChangeSignal(feed: feed)
        // Set when the transport closes the stream for not reading (`StalledStreamError`).
        let stalled = StallNote()
        var stream: (node: NodeIdentity, session: Session, watch: ChangeWatch)?
        var logger = self.logger
        logger[metadataKey: "xds.stream_id"] = "\(nextStreamID.add(1, ordering: .relaxed).newValue)"
        defer {
            gate.close()
            if let stream {
                stream.watch.cancel()
                logger.debug("ADS stream closed", metadata: stalled.after.map { ["xds.stalled_after": "\($0)"] })
                if let after = stalled.after { observer.stalled(stream.node, after: after) }
                observer.disconnected(stream.node)
            }
        }
        // A server shutting down cancels the RPC rather than the task: end the loop then too.
        do {
            try await withRPCCancellationHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            // Read ahead only while the inbox has room: past it gRPC stops reading
                            // and HTTP/2 flow control holds the client back.
                            for try await request in requests {
                                guard await gate.enter() else { break }
                                feed.yield(.request(request))
                            }
                        } catch let error as StalledStreamError {
                            stalled.after = error.after
                        } catch {}
                        feed.yield(.closed)
                    }
                    for await message in inbox {
                        let responses: [ResponseEncoder]
                        switch message {
                        case .request(let request):
                            gate.leave()
                            if stream == nil {
                                // Only the first request is sure to carry the node (docs/xds-protocol.md, rule 3).
                                let node = identify(request)
                                observer.connected(node)
                                logger[metadataKey: "xds.node_id"] = "\(node.id)"
                                // Watching starts before the first snapshot is read, so no change is missed.
                                let watch = source.watch { signal.raise() }
                                stream = (node, makeSession(node, logger), watch)
                                logger.debug("ADS stream opened", metadata: ["xds.cluster": "\(node.cluster)"])
                            }
                            guard let node = stream?.node else { continue }
                            let snapshot = source.snapshot(for: node)
                            responses = receive(&stream!.session, request, snapshot)
                        case .changed:
                            signal.lower()
                            guard let node = stream?.node else { continue }
                            let snapshot = source.snapshot(for: node)
                            responses = update(&stream!.session, snapshot)
                        case .closed:
                            group.cancelAll()
                            return
                        case .cancelled:
                            // The RPC was cancelled. When the transport did it for stalling, the
                            // reason reaches the reader just after: give it a moment to see it.
                            gate.close()
                            group.addTask { try? await Task.sleep(for: .milliseconds(100)) }
                            _ = try await group.next()
                            group.cancelAll()
                            return
                        }
                        for encode in responses { try await writer.write(encode()) }
                    }
                }
            } onCancelRPC: {
                feed.yield(.cancelled)
            }
        } catch {
            // A write into a stream the transport closed for stalling fails; say why.
            if let after = stalled.after { throw Self.stalledError(after: after) }
            throw error
        }
        if let after = stalled.after { throw Self.stalledError(after: after) }
    }

    /// The status a stalled stream ends with (if the client reads it at all).
    static func stalledError(after: Duration) -> RPCError {
        RPCError(
            code: .resourceExhausted,
            message: "the stream read no response for \(after): closed to free what it holds; reconnect and read")
    }
}

/// Numbers the ADS streams of this process, for `xds.stream_id`.
private let nextStreamID = Atomic<UInt64>(0)

/// Encodes one response when it is about to be written.
struct ResponseEncoder: Sendable {
    let encode: @Sendable () -> WireResponse

    func callAsFunction() -> WireResponse { encode() }
}

extension StateOfTheWorldResponse {
    var encoder: ResponseEncoder { ResponseEncoder { wire } }
}

extension DeltaResponse {
    var encoder: ResponseEncoder { ResponseEncoder { wire } }
}

/// How much one ADS stream may hold, and for how long.
public struct StreamLimits: Sendable, Equatable {
    /// Requests read from the client ahead of the stream loop. An Envoy sends about one request
    /// per response, so a handful is plenty; 16 leaves room for a burst of subscriptions.
    public var inbox: Int
    /// A stream that stays unwritable this long (its client read too little of the pending
    /// response to drain it) is closed. A write blocks only while the stream is unwritable, so
    /// no write waits longer.
    public var stallTimeout: Duration

    public init(inbox: Int, stallTimeout: Duration) {
        self.inbox = max(inbox, 1)
        self.stallTimeout = stallTimeout
    }

    /// 16 requests; 60 seconds, well past any pause of a live Envoy (a loaded one applies a
    /// large update in seconds) and short enough that a client that never reads frees its
    /// memory within a minute.
    public static let standard = StreamLimits(inbox: 16, stallTimeout: .seconds(60))
}

/// Raised into a stream by the transport when it closes the stream because its client has not
/// read for `after`: the stream loop reports it (`StreamObserver.stalled`) and ends.
public struct StalledStreamError: Error, Sendable {
    public let after: Duration

    public init(after: Duration) {
        self.after = after
    }
}

/// Why the transport ended a stream, if for stalling.
private final class StallNote: Sendable {
    private let value = Mutex<Duration?>(nil)

    var after: Duration? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// What a stream loop waits for.
private enum Inbound<Request: Sendable>: Sendable {
    case request(Request)
    case changed
    /// The client's requests ended.
    case closed
    /// The RPC was cancelled (server shutdown, stream reset, a stall).
    case cancelled
}

/// The inbox's bound: the reader takes a place before it hands the loop a request, the loop
/// gives it back when it takes the request. One reader waits at a time.
private final class InboxGate: Sendable {
    private struct State {
        var free: Int
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    private let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(free: capacity))
    }

    /// Waits for a place; false when the gate is closed (the stream ends).
    func enter() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let proceed = state.withLock { state -> Bool in
                    if state.closed { return true }
                    if state.free > 0 {
                        state.free -= 1
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if proceed { continuation.resume() }
            }
            return !state.withLock { $0.closed }
        } onCancel: {
            close()
        }
    }

    /// Gives a place back.
    func leave() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.free += 1
            return nil
        }
        waiter?.resume()
    }

    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}

/// At most one pending "changed" per stream: the bounded send queue.
private final class ChangeSignal<Request: Sendable>: Sendable {
    private let pending = Atomic<Bool>(false)
    private let feed: AsyncStream<Inbound<Request>>.Continuation

    init(feed: AsyncStream<Inbound<Request>>.Continuation) {
        self.feed = feed
    }

    func raise() {
        if !pending.exchange(true, ordering: .acquiringAndReleasing) { feed.yield(.changed) }
    }

    func lower() {
        pending.store(false, ordering: .releasing)
    }
}
