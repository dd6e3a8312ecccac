import Foundation
import TestSupport
import Testing

@testable import AdminAPI

/// The document is data (Sources/AdminAPI/openapi.json); these hold it to the code it describes
/// where the Swift that built it used to: the limits, the sequence bound and the build version.
@Suite("The OpenAPI document resource")
struct OpenAPIDocumentTests {
    @Test("GET /openapi.json answers the resource's bytes, the same on every read")
    func servedBytes() async throws {
        let bytes = try OpenAPIDocument.json()
        #expect(try OpenAPIDocument.load() == bytes)
        try await withAPI { client, _ in
            let response = try await client.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(Data(response.text.utf8) == bytes)
        }
    }

    @Test("its bounds are the API's limits and its version is the build's")
    func boundsAndVersion() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.json()) as? [String: Any])
        let info = try #require(document["info"] as? [String: Any])
        #expect(info["version"] as? String == LogbookBuild.version)

        let paths = try #require(document["paths"] as? [String: [String: Any]])
        func schema(_ path: String, _ method: String, _ name: String) -> [String: Any]? {
            let operation = paths[path]?[method] as? [String: Any]
            let parameters = operation?["parameters"] as? [[String: Any]] ?? []
            return parameters.first { $0["name"] as? String == name }?["schema"] as? [String: Any]
        }
        for path in ["/events", "/versions", "/proxies/{id}/history"] {
            #expect(schema(path, "get", "limit")?["maximum"] as? Int == APILimits.maxPageSize, "\(path)")
        }
        for path in ["/services", "/routes", "/proxies"] {
            #expect(schema(path, "get", "limit")?["maximum"] as? Int == APILimits.maxResourcePage, "\(path)")
        }
        #expect(schema("/events/stream", "get", "limit")?["maximum"] as? Int == APILimits.maxStreamEvents)
        #expect(schema("/events/{seq}", "get", "seq")?["maximum"] as? Int == Int(ClientSequence.maximum))

        let components = try #require(document["components"] as? [String: Any])
        let parameters = try #require(components["parameters"] as? [String: [String: Any]])
        for name in ["XActor", "IdempotencyKey"] {
            let bound = (parameters[name]?["schema"] as? [String: Any])?["maxLength"] as? Int
            #expect(bound == APILimits.maxHeaderValue, "\(name)")
        }
    }

    @Test("a missing or unreadable document is an error naming it, raised when it is loaded")
    func loadFailures() throws {
        let directory = try TemporaryDirectory()
        let empty = try #require(Bundle(path: directory.path))
        let missing = #expect(throws: OpenAPIDocument.LoadError.self) { try OpenAPIDocument.load(from: empty) }
        #expect(missing?.description.contains("openapi.json is missing") == true, "\(String(describing: missing))")

        for (name, text) in [("truncated", #"{"openapi": "#), ("fraction", #"{"info": {}, "x": 1.5}"#)] {
            let folder = directory.path + "/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/openapi.json"))
            let bundle = try #require(Bundle(path: folder))
            let broken = #expect(throws: OpenAPIDocument.LoadError.self) { try OpenAPIDocument.load(from: bundle) }
            #expect(broken?.description.contains("cannot be read") == true, "\(name): \(String(describing: broken))")
        }
    }
}
