import AdminAPI
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogbookCore
import TestSupport
import Testing

/// A fresh log in its own temporary directory, removed when the harness goes away.
final class LogHarness: Sendable {
    private let temporary: TemporaryDirectory
    let store: LMDBEventStore
    let logbook: Logbook

    init() throws {
        temporary = try TemporaryDirectory()
        store = try LMDBEventStore(directory: temporary.path + "/data")
        logbook = try Logbook(store: store)
    }

    // The store closes first; the directory goes when `temporary` is released after it.
    deinit { store.close() }

    var directory: String { temporary.path }

    var head: UInt64 { store.head }

    /// Writes a declarative file next to the log and answers its path.
    func write(_ text: String, name: String = "gateway.yaml") throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Runs `body` against the router in process, over a fresh log.
func withAPI(
    configPath: ((LogHarness) throws -> String)? = nil, envoyConfig: (any EnvoyConfigSource)? = nil,
    _ body: @Sendable (any TestClientProtocol, LogHarness) async throws -> Void
) async throws {
    let harness = try LogHarness()
    let configuration = AdminAPIConfiguration(port: 0, configPath: try configPath?(harness))
    let app = try buildApplication(logbook: harness.logbook, configuration: configuration, envoyConfig: envoyConfig)
    try await app.test(.router) { client in try await body(client, harness) }
}

extension TestClientProtocol {
    /// Sends `json` as an application/json body unless the headers say otherwise.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if json != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object; an empty dictionary when it is not one (the test then fails on its fields).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    subscript(header name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}

/// Sends a request that must be refused: checks the status, the error shape, its code and
/// field, and that the log head did not move.
@discardableResult
func expectRejected(
    _ client: any TestClientProtocol, _ harness: LogHarness, _ method: HTTPRequest.Method, _ uri: String,
    json: String? = nil, headers: HTTPFields = [:], status: HTTPResponse.Status, code: String? = nil,
    field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) async throws -> TestResponse {
    let head = harness.head
    let response = try await client.send(method, uri, json: json, headers: headers)
    #expect(response.status == status, "\(method) \(uri): \(response.text)", sourceLocation: sourceLocation)
    let error = response.object["error"] as? [String: Any]
    #expect(error != nil, "no error object in \(response.text)", sourceLocation: sourceLocation)
    #expect(error?["message"] as? String != nil, sourceLocation: sourceLocation)
    #expect(error?.keys.contains("field") == true, sourceLocation: sourceLocation)
    if let code { #expect(error?["code"] as? String == code, "\(response.text)", sourceLocation: sourceLocation) }
    if let field {
        #expect(error?["field"] as? String == field, "\(response.text)", sourceLocation: sourceLocation)
    }
    #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
    #expect(harness.head == head, "a rejected request moved the log head", sourceLocation: sourceLocation)
    return response
}

/// Resource bodies as clients send them.
enum Fixture {
    static func service(_ name: String, port: Int = 8001, timeout: String = "5s") -> String {
        """
        {"name": "\(name)", "protocol": "http1", "endpoints": ["127.0.0.1:\(port)"], \
        "lb_policy": "round_robin", "connect_timeout": "\(timeout)"}
        """
    }

    static func route(_ name: String, service: String = "rest-api", prefix: String? = nil) -> String {
        """
        {"name": "\(name)", "listener": "http", "match": {"prefix": "\(prefix ?? "/\(name)/")"}, \
        "service": "\(service)", "timeout": "30s"}
        """
    }

    static func proxy(_ id: String, http: Int = 10000, grpc: Int = 10001) -> String {
        #"{"id": "\#(id)", "host": "127.0.0.1", "http_port": \#(http), "grpc_port": \#(grpc)}"#
    }

    static let gateway = """
        services:
          - name: rest-api
            endpoints: ["127.0.0.1:8001"]
          - name: graphql-api
            endpoints: ["127.0.0.1:8002"]
        routes:
          - name: api
            match: {prefix: /api/}
            service: rest-api
        """
}

extension HTTPFields {
    static func json(_ extra: [HTTPField.Name: String] = [:]) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in extra { fields[name] = value }
        return fields
    }
}

extension HTTPField.Name {
    static let actor = HTTPField.Name("X-Actor")!
    static let requestID = HTTPField.Name("X-Request-Id")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
