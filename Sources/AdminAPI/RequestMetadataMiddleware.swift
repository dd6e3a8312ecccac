import Foundation
import HTTPTypes
import Hummingbird
import LogbookCore
import NIOCore

/// Reads who is asking (`X-Actor`, `X-Request-Id`), echoes both on every answer, and turns
/// every error into the JSON error shape. It wraps the whole router, including "no such
/// endpoint", so no answer escapes without a request id or with a bare status.
struct RequestMetadataMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(request.headers[.requestID])
        var response: Response
        do {
            context.actor = try Self.actor(request.headers)
            context.logger[metadataKey: "request.id"] = .string(context.requestID)
            response = try await next(request, context)
        } catch {
            let answer = APIError(error)
            if answer.status == .internalServerError {
                context.logger.error("unmapped error: \(String(describing: error))")
            }
            if answer.closesConnection {
                // Hummingbird's way to end a connection after the answer in flight, instead of
                // reading the rest of a 100 MB body or resyncing on broken framing.
                context.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
            response = answer.response()
        }
        response.headers[.requestID] = context.requestID
        // Authentication sets the proven actor on its answers; otherwise X-Actor is echoed.
        if response.headers[.actor] == nil { response.headers[.actor] = context.actor }
        return response
    }

    /// A client's request id is kept when it is printable and short; otherwise a fresh one,
    /// because a bad id must not turn a good request into an error.
    static func requestID(_ header: String?) -> String {
        if let header, !header.isEmpty, header.count <= APILimits.maxHeaderValue,
            header.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        {
            return header
        }
        return UUID().uuidString.lowercased()
    }

    /// `X-Actor` as sent: its raw bytes must be UTF-8, because the lenient decoding of header
    /// values would turn two different invalid actors into the same replacement characters.
    static func actor(_ headers: HTTPFields) throws -> String {
        guard let field = headers.first(where: { $0.name == .actor }) else { return "anonymous" }
        guard let text = field.withUnsafeBytesOfValue({ String(validating: $0, as: UTF8.self) }) else {
            throw APIError.badRequest(field: "X-Actor", "must be UTF-8 text")
        }
        do {
            return try ActorName.check(text, field: "X-Actor")
        } catch let error as LogbookError {
            throw APIError.badRequest(field: "X-Actor", error.message)
        }
    }
}
