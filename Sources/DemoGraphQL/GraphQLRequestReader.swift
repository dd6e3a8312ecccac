import Foundation
import GraphQL

/// Reads a GraphQL request from HTTP: a POST's JSON body, or a GET's query parameters. A
/// request that is not usable is refused with 400 and a message naming what is wrong.
enum GraphQLRequestReader {
    /// `{"query": String, "variables": Object?, "operationName": String?}`.
    static func read(json body: Data) throws(GraphQLRequestError) -> GraphQLRequest {
        let map: Map
        do {
            map = try JSONDecoder().decode(Map.self, from: body)
        } catch {
            throw .badRequest(
                "the request body is not JSON; send {\"query\": \"...\"} with Content-Type application/json")
        }
        guard case .dictionary(let fields) = map else {
            throw .badRequest("the request body must be a JSON object with a \"query\" string")
        }
        let query: String
        switch fields["query"] ?? .undefined {
        case .string(let text): query = text
        case .undefined, .null: throw .badRequest("the request body has no \"query\"")
        default: throw .badRequest("\"query\" must be a string")
        }
        return GraphQLRequest(
            query: query, operationName: try operationName(fields["operationName"] ?? .undefined),
            variables: try variables(fields["variables"] ?? .undefined))
    }

    /// `?query=...&variables=<JSON>&operationName=...`; nil when there is no `query` at all.
    static func read(queryString: String?) throws(GraphQLRequestError) -> GraphQLRequest? {
        let parameters = formDecoded(queryString ?? "")
        guard let query = parameters["query"] else { return nil }
        guard !query.isEmpty else { throw .badRequest("the \"query\" parameter is empty") }
        var variables: [String: Map] = [:]
        if let text = parameters["variables"], !text.isEmpty {
            guard let map = try? JSONDecoder().decode(Map.self, from: Data(text.utf8)) else {
                throw .badRequest("the \"variables\" parameter is not JSON")
            }
            variables = try self.variables(map)
        }
        let name = parameters["operationName"].flatMap { $0.isEmpty ? nil : $0 }
        return GraphQLRequest(query: query, operationName: name, variables: variables)
    }

    private static func variables(_ map: Map) throws(GraphQLRequestError) -> [String: Map] {
        switch map {
        case .undefined, .null: return [:]
        case .dictionary(let entries):
            return Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        default: throw .badRequest("\"variables\" must be a JSON object")
        }
    }

    private static func operationName(_ map: Map) throws(GraphQLRequestError) -> String? {
        switch map {
        case .undefined, .null: return nil
        case .string(let name): return name.isEmpty ? nil : name
        default: throw .badRequest("\"operationName\" must be a string")
        }
    }

    /// HTML-form decoding (`+` is a space, then percent-escapes), as browsers and curl's
    /// `--data-urlencode` send; the first of a repeated name wins.
    static func formDecoded(_ query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            let name = decode(parts[0])
            if parameters[name] == nil { parameters[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return parameters
    }
}
