import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import ServiceLifecycle
import XDS

/// The gRPC server that carries ADS, as a service of the process's ServiceGroup.
struct XDSServer: Service {
    let host: String
    let port: Int
    let service: AggregatedDiscoveryService
    let onListening: @Sendable (Int) async -> Void

    func run() async throws {
        var config = HTTP2ServerTransport.Posix.Config.defaults
        // Envoy keeps one ADS stream per connection; thousands of connections is the normal case.
        config.http2.maxConcurrentStreams = 16
        // Find half-open connections (a proxy host that vanished) in under a minute, not two hours.
        config.connection.keepalive.time = .seconds(30)
        config.connection.keepalive.timeout = .seconds(10)
        // A stream whose client stopped reading holds its pending response: close it in time.
        let stallTimeout = service.limits.stallTimeout
        config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    StalledStreamCloser(timeout: TimeAmount(stallTimeout)), position: .first)
            }
        }
        // An IPv6 literal (`::1`) must be bound as IPv6: as IPv4 it cannot be bound at all.
        let transport = HTTP2ServerTransport.Posix(
            address: ServerConfiguration.isIPv6(host) ? .ipv6(host: host, port: port) : .ipv4(host: host, port: port),
            transportSecurity: .plaintext, config: config)
        let server = GRPCServer(transport: transport, services: [service])
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            let listening = try await transport.listeningAddress
            if let bound = listening.ipv4?.port ?? listening.ipv6?.port {
                await onListening(bound)
            }
            try await gracefulShutdown()
            server.beginGracefulShutdown()
        }
    }
}

/// Closes an HTTP/2 stream that stays unwritable for `timeout`: its client has not read enough
/// of what was sent to take the pending response, and gRPC would hold that response (and the
/// status that would follow it) for as long as the client waits. A status cannot overtake the
/// data queued before it, so the stream is reset (RST_STREAM) after `StalledStreamError` is
/// raised into it, which tells the ADS loop why (it logs the node) before it ends.
final class StalledStreamCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    typealias InboundOut = Any

    let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if !context.channel.isWritable { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { disarm() } else { arm(context) }
        context.fireChannelWritabilityChanged()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let timeout = self.timeout
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            let context = loopBound.value
            guard context.channel.isActive else { return }
            let seconds = Duration.nanoseconds(timeout.nanoseconds)
            context.fireErrorCaught(StalledStreamError(after: seconds))
            context.close(mode: .all, promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
