import DemoGraphQL
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A fresh application over freshly seeded data, called in process.
func withApp(
    instanceName: String = "graphql-test", _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let app = try buildApplication(
        configuration: DemoGraphQLConfiguration(port: 0, instanceName: instanceName), store: .seeded())
    try await app.test(.router, body)
}

/// A parsed JSON answer, with the status and headers it came with.
struct JSONAnswer: @unchecked Sendable {
    // @unchecked: the JSONSerialization tree is built once and only read afterwards.
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    let object: [String: Any]

    init(_ response: TestResponse) {
        status = response.status
        headers = response.headers
        text = String(buffer: response.body)
        object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    var data: [String: Any]? { object["data"] as? [String: Any] }
    var errors: [[String: Any]] { object["errors"] as? [[String: Any]] ?? [] }
    var firstMessage: String { errors.first?["message"] as? String ?? "" }
}

extension TestClientProtocol {
    /// POSTs `{"query", "variables"}` to /graphql.
    func graphQL(_ query: String, variables: [String: Any] = [:], operationName: String? = nil) async throws
        -> JSONAnswer
    {
        var payload: [String: Any] = ["query": query, "variables": variables]
        if let operationName { payload["operationName"] = operationName }
        let body = try JSONSerialization.data(withJSONObject: payload)
        return try await post(raw: String(decoding: body, as: UTF8.self))
    }

    func post(raw body: String) async throws -> JSONAnswer {
        let response = try await execute(
            uri: "/graphql", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: body))
        return JSONAnswer(response)
    }

    func get(_ uri: String) async throws -> JSONAnswer {
        JSONAnswer(try await execute(uri: uri, method: .get, headers: [:], body: nil))
    }
}

/// Percent-encodes a GET parameter value.
func encoded(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func list(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func string(_ key: String) -> String? { self[key] as? String }
}
