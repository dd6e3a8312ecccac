import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1.1 channel with the deadlines of `ConnectionLimits`: a request head must
/// be complete `requestHeadTimeout` after its first byte, and its body `requestBodyTimeout` after
/// the head.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let inner: HTTP1Channel
    let limits: ConnectionLimits

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits) {
        self.limits = limits
        // The parts handler goes after the HTTP decoder; it finds the clock in the bytes handler.
        inner = HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: [RequestPartsHandler()], idleTimeout: TimeAmount(limits.idleTimeout)))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            // First in the pipeline, so it sees raw bytes before the HTTP decoder does.
            try channel.pipeline.syncOperations.addHandler(
                RequestBytesHandler(clock: RequestClock(limits: limits)), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the given connection limits.
    static func guardedHTTP1(limits: ConnectionLimits) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, limits: limits) }
    }
}

/// One connection's request deadline, shared by its two handlers. Both run on the connection's
/// event loop, so nothing here is touched from two threads.
final class RequestClock {
    let limits: ConnectionLimits
    /// True between a request's end and the next request's head.
    var awaitingHead = true
    var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits) {
        self.limits = limits
    }

    func arm(_ timeout: Duration, context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            channel.close(promise: nil)
        }
    }

    func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

/// Starts the head deadline on the first byte of a request.
final class RequestBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    let clock: RequestClock

    init(clock: RequestClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if clock.awaitingHead && clock.deadline == nil {
            clock.arm(clock.limits.requestHeadTimeout, context: context)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.disarm()
        context.fireChannelInactive()
    }
}

/// Moves the deadline from head to body and clears it at the body's end. It only reads: the
/// answers pass by untouched (a handler that re-wrote them here stalled keep-alive clients).
final class RequestPartsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    /// The bytes handler's clock; nil only in a pipeline without one, where there is nothing to time.
    private var clock: RequestClock?

    func handlerAdded(context: ChannelHandlerContext) {
        clock = (try? context.pipeline.syncOperations.handler(type: RequestBytesHandler.self))?.clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let clock {
            switch unwrapInboundIn(data) {
            case .head:
                clock.awaitingHead = false
                clock.arm(clock.limits.requestBodyTimeout, context: context)
            case .body:
                break
            case .end:
                clock.disarm()
                clock.awaitingHead = true
            }
        }
        context.fireChannelRead(data)
    }

    /// Malformed framing ends the request: the answer (a 400) is on its way, not more body.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        clock?.disarm()
        context.fireErrorCaught(error)
    }

}
