import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import LogbookCore
import NIOCore
import NIOHTTP1

/// An error answer: the HTTP status and the `{"error": {"code", "message", "field"}}` body.
/// Every error a handler throws is turned into one of these, so none leaks as a bare 500.
struct APIError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var field: String?

    /// Longest message an answer carries: messages quote client input, which may be huge.
    static let maxMessageLength = 1024

    init(_ status: HTTPResponse.Status, code: String, field: String? = nil, _ message: String) {
        self.status = status
        self.code = code
        self.field = field.map { String(describing: EchoedText($0)) }
        self.message =
            message.utf8.count <= Self.maxMessageLength
            ? message : String(message.prefix(Self.maxMessageLength)) + "… (message truncated)"
    }

    /// After a body the server will not read (too large, or malformed framing) the connection
    /// is closed, rather than reading what is left of a 100 MB upload or resyncing on garbage.
    var closesConnection: Bool { status == .contentTooLarge || code == "malformed_http" || code == "connection_lost" }

    static func badRequest(field: String?, _ message: String) -> APIError {
        APIError(.badRequest, code: "bad_input", field: field, message)
    }

    /// Maps whatever a handler threw; unknown errors become 500 with a message, never silence.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as LogbookError:
            self.init(logbook: error)
        case let error as EventLogError:
            self.init(.serviceUnavailable, code: "storage", "the event log failed: \(error.message)")
        case let error as HTTPError:
            self.init(status: error.status, detail: error.body)
        case let error as any HTTPResponseError:
            // Hummingbird's own refusals, such as NIOTooManyBytesError for a body over the limit.
            self.init(status: error.status, detail: nil)
        case is IOError, is ChannelError:
            // The client went away mid-request (a reset, a closed socket): nobody reads this answer,
            // and it is the client's doing, not a server fault to log as one.
            self.init(
                .badRequest, code: "connection_lost", field: "body", "the connection ended before the request was read")
        case let error as HTTPParserError:
            // Broken chunked framing or an unknown transfer coding, found while reading the body.
            self.init(.badRequest, code: "malformed_http", field: "body", "the request is not valid HTTP/1.1: \(error)")
        case let error as DecodingError:
            let described = DecodingErrorDescription(error)
            self.init(.badRequest, code: "bad_input", field: described.field, described.message)
        default:
            self.init(.internalServerError, code: "internal", "unexpected error: \(String(describing: error))")
        }
    }

    private init(logbook error: LogbookError) {
        let status: HTTPResponse.Status =
            switch error.code {
            case .invalid, .badInput: .badRequest
            case .idempotencyMismatch: .unprocessableContent
            case .notFound: .notFound
            case .duplicate, .inUse, .conflict: .conflict
            case .preconditionFailed: .preconditionFailed
            case .corrupt, .storage, .unavailable: .serviceUnavailable
            default: .serviceUnavailable
            }
        var message = error.message
        if status == .serviceUnavailable && error.code == .unavailable {
            message += " (retry the request)"
        }
        self.init(status, code: error.code.description, field: error.field, message)
    }

    private init(status: HTTPResponse.Status, detail: String?) {
        let code: String
        let message: String
        switch status {
        case .notFound:
            (code, message) = ("not_found", detail ?? "no such endpoint")
        case .methodNotAllowed:
            (code, message) = ("method_not_allowed", detail ?? "this endpoint does not take that method")
        case .contentTooLarge:
            (code, message) = ("payload_too_large", "the request body is larger than 1 MiB")
        default:
            (code, message) = ("http_\(status.code)", detail ?? status.reasonPhrase)
        }
        self.init(status, code: code, field: status == .contentTooLarge ? "body" : nil, message)
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(code, forKey: .code)
                try container.encode(message, forKey: .message)
                // Always present, null when unknown, so every error has one shape.
                try container.encode(field, forKey: .field)
            }

            enum CodingKeys: String, CodingKey { case code, message, field }
        }
        let error: Detail
    }

    func response(from request: Request, context: some Hummingbird.RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var response = JSONAnswer.response(status, Body(error: .init(code: code, message: message, field: field)))
        if closesConnection { response.headers[.connection] = "close" }
        return response
    }
}
