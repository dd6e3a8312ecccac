import EnvoyAPI
import GRPCCore
import GRPCProtobuf
import Synchronization

/// The Aggregated Discovery Service: state of the world and delta, over one gRPC service.
///
/// Each stream runs one loop that takes, in order, the node's requests and "the snapshot
/// changed" signals. Signals coalesce: a stream that is still writing when several versions
/// land sees only the newest when it comes back, so a slow proxy stalls nobody and never gets
/// the versions in between. An Envoy sends about one request per response, so the requests
/// waiting in a stream's inbox stay few.
public struct AggregatedDiscoveryService: RegistrableRPCService {
    private let store: SnapshotStore
    private let observer: any StreamObserver

    public init(store: SnapshotStore, observer: any StreamObserver) {
        self.store = store
        self.observer = observer
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
        let store = self.store
        try await serve(
            requests: requests, writer: writer, node: { NodeIdentity(id: $0.node.id, cluster: $0.node.cluster) },
            makeSession: { node in
                StateOfTheWorldSession(node: node, observer: observer) { version in
                    try? store.snapshot(for: node, at: version)
                }
            },
            receive: { session, request, snapshot in session.receive(request, snapshot: snapshot).map(\.wire) },
            update: { session, snapshot in session.update(snapshot: snapshot).map(\.wire) })
    }

    func delta(
        requests: some AsyncSequence<Envoy_Service_Discovery_V3_DeltaDiscoveryRequest, any Error> & Sendable,
        writer: RPCWriter<WireResponse>
    ) async throws {
        try await serve(
            requests: requests, writer: writer, node: { NodeIdentity(id: $0.node.id, cluster: $0.node.cluster) },
            makeSession: { DeltaSession(node: $0, observer: observer) },
            receive: { session, request, snapshot in session.receive(request, snapshot: snapshot).map(\.wire) },
            update: { session, snapshot in session.update(snapshot: snapshot).map(\.wire) })
    }

    /// The stream loop shared by both variants; only the session type differs.
    private func serve<Request: Sendable, Session>(
        requests: some AsyncSequence<Request, any Error> & Sendable,
        writer: RPCWriter<WireResponse>,
        node identify: (Request) -> NodeIdentity,
        makeSession: (NodeIdentity) -> Session,
        receive: (inout Session, Request, NodeSnapshot) -> [WireResponse],
        update: (inout Session, NodeSnapshot) -> [WireResponse]
    ) async throws {
        let (inbox, feed) = AsyncStream<Inbound<Request>>.makeStream()
        let signal = ChangeSignal(feed: feed)
        var stream: (node: NodeIdentity, session: Session, watch: WatchToken)?
        defer {
            if let stream {
                stream.watch.cancel()
                observer.disconnected(stream.node)
            }
        }
        // A server shutting down cancels the RPC rather than the task: end the loop then too.
        try await withRPCCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await request in requests { feed.yield(.request(request)) }
                    } catch {}
                    feed.yield(.closed)
                }
            for await message in inbox {
                let responses: [WireResponse]
                switch message {
                case .request(let request):
                    if stream == nil {
                        // Only the first request is sure to carry the node (rule 3).
                        let node = identify(request)
                        observer.connected(node)
                        stream = (node, makeSession(node), store.watch { signal.raise() })
                    }
                    guard let node = stream?.node else { continue }
                    let snapshot = store.snapshot(for: node)
                    responses = receive(&stream!.session, request, snapshot)
                case .changed:
                    signal.lower()
                    guard let node = stream?.node else { continue }
                    let snapshot = store.snapshot(for: node)
                    responses = update(&stream!.session, snapshot)
                case .closed:
                    group.cancelAll()
                    return
                }
                for response in responses { try await writer.write(response) }
            }
            }
        } onCancelRPC: {
            feed.yield(.closed)
        }
    }
}

/// What a stream loop waits for.
private enum Inbound<Request: Sendable>: Sendable {
    case request(Request)
    case changed
    case closed
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
