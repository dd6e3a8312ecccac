import EventLog
import Foundation

/// Reads the OpenAPI document now, so a server whose resource is unreadable stops before it binds
/// or writes anything. (Without the resource bundle at all, `Bundle.module` itself stops the
/// process, naming the two places it looked.)
public func loadOpenAPIDocument() throws { _ = try OpenAPIDocument.json() }

/// `GET /openapi.json`: the API described by hand, as data: `Sources/AdminAPI/openapi.json`, a
/// resource of this module. The resource schemas mirror Gateway's strict decoders (unknown keys
/// refused, so `additionalProperties: false`; the same required fields, enums and types); tests
/// hold its paths to the routes actually served and its bounds to `APILimits`.
enum OpenAPIDocument {
    /// Why the document could not be read; the server does not start without it.
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The served bytes, read once per process. `addEndpoints` asks for them, so a missing or
    /// broken resource stops the server as it starts instead of failing a request.
    static func json() throws -> Data { try loaded.get() }

    private static let loaded = Result { try load() }

    /// The resource re-encoded canonically (sorted keys, no white space), so the bytes depend on
    /// the document's content only, never on the file's layout; `info.version` is this build's.
    static func load(from bundle: Bundle = .module, version: String = LogbookBuild.version) throws -> Data {
        guard let url = bundle.url(forResource: "openapi", withExtension: "json") else {
            throw LoadError(description: "the OpenAPI document openapi.json is missing from \(bundle.bundlePath)")
        }
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        } catch {
            throw LoadError(description: "the OpenAPI document \(url.path) cannot be read: \(error)")
        }
        guard case .object(let info)? = document.member("info") else {
            throw LoadError(description: "the OpenAPI document \(url.path) has no info object")
        }
        let stamped = document.merging([("info", JSONValue.object(info).merging([("version", .string(version))]))])
        return try CanonicalJSON.encode(stamped)
    }
}
