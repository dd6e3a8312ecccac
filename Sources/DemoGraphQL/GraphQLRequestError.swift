import Foundation
import Hummingbird

/// An HTTP-level refusal (the request is not a usable GraphQL request, or no such endpoint),
/// answered in the GraphQL error shape so clients parse one format: `{"errors":[{"message"}]}`.
struct GraphQLRequestError: Error, HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let message: String

    static func badRequest(_ message: String) -> GraphQLRequestError {
        GraphQLRequestError(status: .badRequest, message: message)
    }

    /// Maps anything a handler or Hummingbird threw; nothing leaves as a bare status.
    init(_ error: any Error) {
        switch error {
        case let error as GraphQLRequestError:
            self = error
        case let error as HTTPError:
            self.init(status: error.status, message: error.body ?? Self.describe(error.status))
        case let error as any HTTPResponseError:
            // Hummingbird's own refusals, such as a body over the upload limit.
            self.init(status: error.status, message: Self.describe(error.status))
        default:
            self.init(status: .internalServerError, message: "unexpected error: \(String(describing: error))")
        }
    }

    init(status: HTTPResponse.Status, message: String) {
        self.status = status
        self.message = message
    }

    private static func describe(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such endpoint; GraphQL is served at /graphql"
        case .methodNotAllowed: "this endpoint does not take that method"
        case .contentTooLarge: "the request body is larger than \(GraphQLLimits.maxBodyBytes) bytes"
        default: status.reasonPhrase
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        JSONResponse.make(status, GraphQLResponseBody(requestError: message).json())
    }
}

/// Bounds on what a client may send.
enum GraphQLLimits {
    static let maxBodyBytes = 1 << 20
}

/// JSON answers: the content type is set in one place.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ json: Data, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
