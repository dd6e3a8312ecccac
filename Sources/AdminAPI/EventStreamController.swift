import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import LogbookCore
import ServiceLifecycle

/// `GET /events/stream`: the log as server-sent events, one block per envelope, catching up
/// from `after_seq` and then following live appends.
struct EventStreamController {
    let logbook: Logbook
    let metrics: APIMetrics
    /// How often an idle stream sends a comment line. Writing is the only way to notice a client
    /// that went away while the log is quiet, so this bounds how long a dead stream lingers.
    let heartbeat: Duration

    var endpoints: RouteCollection<AdminRequestContext> {
        let routes = RouteCollection(context: AdminRequestContext.self)
        routes.get("events/stream", use: stream)
        return routes
    }

    /// What the writer loop waits for: whichever of the subscription, the heartbeat and a
    /// graceful shutdown comes first.
    private enum Item: Sendable {
        case envelope(Envelope)
        case heartbeat
        case ended
        case failed(String)
    }

    /// `after_seq` (or, when absent, a reconnecting EventSource's `Last-Event-ID`) is the last
    /// event the client has; with neither the stream starts at the head, live only. `limit` ends
    /// the stream after that many events, for scripts and tests that want a bounded read.
    @Sendable func stream(_ request: Request, context: AdminRequestContext) async throws -> Response {
        let query = QueryParameters(request)
        let after: UInt64
        if let value = try query.sequence("after_seq") {
            after = value
        } else if let header = request.headers[.lastEventID] {
            after = try ClientSequence.parse(header.trimmingCharacters(in: .whitespaces), field: "Last-Event-ID")
        } else {
            after = logbook.store.head
        }
        // A client cannot have seen an event the log has not written: it has the wrong log.
        let head = logbook.store.head
        if after > head {
            throw APIError.badRequest(
                field: request.headers[.lastEventID] != nil && query.string("after_seq") == nil
                    ? "Last-Event-ID" : "after_seq",
                "\(after) is past the log's head \(head)")
        }
        let limit = try query.limit(max: APILimits.maxStreamEvents)
        let store = logbook.store
        let metrics = self.metrics
        let heartbeat = self.heartbeat
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let body = ResponseBody { writer in
            metrics.streamOpened()
            defer { metrics.streamClosed() }
            let (items, continuation) = AsyncStream.makeStream(of: Item.self)
            defer { continuation.finish() }
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await envelope in store.subscribe(after: after) {
                                continuation.yield(.envelope(envelope))
                            }
                            continuation.yield(.ended)
                        } catch {
                            continuation.yield(.failed(String(describing: error)))
                        }
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: heartbeat)
                            continuation.yield(.heartbeat)
                        }
                    }
                    var sent = 0
                    loop: for await item in items {
                        switch item {
                        case .envelope(let envelope):
                            try await writer.write(ByteBuffer(bytes: try Self.block(envelope)))
                            sent += 1
                            if let limit, sent >= limit { break loop }
                        case .heartbeat:
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        case .failed(let message):
                            let data = JSONAnswer.encode(["message": message])
                            try await writer.write(
                                ByteBuffer(bytes: Array("event: error\ndata: ".utf8) + data + [10, 10]))
                            break loop
                        case .ended:
                            break loop
                        }
                    }
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                // The server drains open requests before it stops; an endless stream must end itself.
                continuation.yield(.ended)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `event: <type>`, `id: <seq>`, `data: <the /events item>`, then a blank line.
    static func block(_ envelope: Envelope) throws -> [UInt8] {
        let json = AuditController.json(try RecordedEvent(envelope))
        var block = Array("event: \(envelope.type)\nid: \(envelope.sequence)\n".utf8)
        // The JSON is compact, but a line break inside it would end the field early.
        for line in json.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            block += Array("data: ".utf8) + line + [10]
        }
        block.append(10)
        return block
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
