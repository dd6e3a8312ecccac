import Foundation
import GraphQL

/// The JSON answer the GraphQL spec describes: `data` when execution started (null when it
/// failed as a whole), `errors` when there are any, each with `message` and, where they
/// apply, `locations`, `path` and `extensions`.
struct GraphQLResponseBody: Encodable {
    struct ErrorEntry: Encodable {
        let message: String
        let locations: [SourceLocation]?
        let path: GraphQL.IndexPath?
        let extensions: Map?

        init(_ error: GraphQLError) {
            message = error.message
            locations = error.locations.isEmpty ? nil : error.locations
            path = error.path.elements.isEmpty ? nil : error.path
            if let input = error.originalError as? BlogInputError {
                // Lets a client mark the offending form field without parsing the message.
                extensions = ["code": "BAD_USER_INPUT", "argument": .string(input.argument)]
            } else {
                // No other error here carries extensions: none of ours, none of GraphQL's rules.
                extensions = nil
            }
        }

        init(message: String) {
            self.message = message
            (locations, path, extensions) = (nil, nil, nil)
        }
    }

    /// Whether `data` is written at all: absent before execution, present (maybe null) after.
    let hasData: Bool
    let data: Map?
    let errors: [ErrorEntry]

    init(executed result: GraphQLResult) {
        hasData = true
        data = result.data
        errors = result.errors.map(ErrorEntry.init)
    }

    init(errors: [GraphQLError]) {
        hasData = false
        data = nil
        self.errors = errors.map(ErrorEntry.init)
    }

    /// An error about the HTTP request itself (not JSON, no query), not about GraphQL.
    init(requestError message: String) {
        hasData = false
        data = nil
        errors = [ErrorEntry(message: message)]
    }

    enum CodingKeys: String, CodingKey { case data, errors }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if hasData {
            if let data { try container.encode(data, forKey: .data) } else { try container.encodeNil(forKey: .data) }
        }
        if !errors.isEmpty { try container.encode(errors, forKey: .errors) }
    }

    /// Encoded with GraphQL's encoder, which keeps `data`'s keys in the order the query asked.
    func json() -> Data {
        do {
            let encoder = GraphQLJSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            return try encoder.encode(self)
        } catch {
            // Only a value GraphQL itself produced could fail here; say so instead of sending nothing.
            return Data(#"{"errors":[{"message":"the response could not be encoded"}]}"#.utf8)
        }
    }
}
