import Foundation
import Hummingbird

/// An error answer in the one JSON shape every failure takes:
/// `{"error":{"code":"bad_request","field":"min_price","message":"..."}}` (`field` is null when no
/// single input is at fault). Whatever a handler throws becomes one of these, so no answer is a bare 500.
public struct BackendError: Error, HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var field: String?
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, field: String? = nil, _ message: String) {
        self.status = status
        self.code = code
        self.field = field
        self.message = message
    }

    static func badRequest(field: String, _ message: String) -> BackendError {
        BackendError(.badRequest, code: "bad_request", field: field, message)
    }

    static func notFound(field: String? = nil, _ message: String) -> BackendError {
        BackendError(.notFound, code: "not_found", field: field, message)
    }

    /// Maps anything a handler or the router threw.
    init(_ error: any Error) {
        switch error {
        case let error as BackendError:
            self = error
        case let error as HTTPError:
            self.init(status: error.status, detail: error.body)
        case let error as any HTTPResponseError:
            self.init(status: error.status, detail: nil)
        case is CancellationError:
            self.init(.serviceUnavailable, code: "cancelled", "the request was cancelled (the server is stopping)")
        default:
            self.init(.internalServerError, code: "internal", "unexpected error: \(String(describing: error))")
        }
    }

    private init(status: HTTPResponse.Status, detail: String?) {
        switch status {
        case .notFound:
            self.init(status, code: "not_found", detail ?? "no such endpoint")
        case .methodNotAllowed:
            self.init(status, code: "method_not_allowed", detail ?? "this endpoint does not take that method")
        case .badRequest:
            self.init(status, code: "bad_request", detail ?? "the request is malformed")
        default:
            self.init(status, code: "http_\(status.code)", detail ?? status.reasonPhrase)
        }
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let field: String?
            let message: String

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(code, forKey: .code)
                // Always present, null when no single input is at fault, so every error has one shape.
                try container.encode(field, forKey: .field)
                try container.encode(message, forKey: .message)
            }

            enum CodingKeys: String, CodingKey { case code, field, message }
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        JSONAnswer.response(status, Body(error: .init(code: code, field: field, message: message)))
    }
}
