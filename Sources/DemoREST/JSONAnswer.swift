import Foundation
import Hummingbird

/// Encodes answers with sorted keys, so the same data always reads the same on the wire.
enum JSONAnswer {
    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Our answers are plain structs, strings and finite numbers; encoding them cannot fail.
        let data =
            (try? encoder.encode(value))
            ?? Data(#"{"error":{"code":"internal","field":null,"message":"encoding failed"}}"#.utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Lets handlers return a value and have it answered as 200 JSON through `JSONAnswer`.
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    init(_ value: Value) { self.value = value }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONAnswer.response(.ok, value)
    }
}
