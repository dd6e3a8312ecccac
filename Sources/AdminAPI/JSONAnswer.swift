import EventLog
import Foundation
import HTTPTypes
import Hummingbird

/// Encodes answers the same way everywhere: `CanonicalJSON` (sorted keys, unescaped slashes).
enum JSONAnswer {
    static func encode(_ value: some Encodable) -> Data {
        // Our answer types are plain values; encoding them cannot fail short of a bug.
        (try? CanonicalJSON.encode(value)) ?? Data("{}".utf8)
    }

    static func response(
        _ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]
    ) -> Response {
        response(status, json: encode(value), headers: headers)
    }

    static func response(_ status: HTTPResponse.Status, json: Data, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// `{"a": ..., "<key>": <raw>}`: splices already-encoded JSON (an event payload) into an object.
    static func object(_ header: some Encodable, adding key: String, raw: Data) -> Data {
        CanonicalJSON.object(encode(header), adding: key, raw: raw)
    }

    static func array(_ items: [Data]) -> Data {
        var data = Data("[".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { data.append(UInt8(ascii: ",")) }
            data.append(item)
        }
        data.append(UInt8(ascii: "]"))
        return data
    }
}

/// The HTTP header names the API reads and writes beyond the standard ones.
extension HTTPField.Name {
    // These literals are valid header names, so the initialiser cannot fail.
    static let actor = HTTPField.Name("X-Actor")!
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}
