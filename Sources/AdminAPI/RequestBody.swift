import Foundation
import HTTPTypes
import Hummingbird
import LogbookCore

/// A request body read once: bounded, JSON only, decoded strictly.
struct RequestBody: Sendable {
    let bytes: Data

    /// Reads the body; 415 unless it is JSON, 413 over 1 MiB.
    static func read(_ request: Request, context: AdminRequestContext) async throws -> RequestBody {
        let declaredJSON = request.headers[.contentType].map(isJSON)
        if declaredJSON == false {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type", field: "Content-Type",
                "the body must be application/json, not \(request.headers[.contentType] ?? "")")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw HTTPError(.contentTooLarge)
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = RequestBody(bytes: Data(buffer.readableBytesView))
        if declaredJSON == nil && !body.bytes.isEmpty {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type", field: "Content-Type",
                "a body needs Content-Type: application/json")
        }
        return body
    }

    /// Decodes with Gateway's strict Codable: unknown keys and wrong types are 400s naming the field.
    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        guard !bytes.isEmpty else {
            throw APIError.badRequest(field: "body", "a JSON object is required")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: bytes)
        } catch let error as DecodingError {
            let described = DecodingErrorDescription(error)
            if described.field.isEmpty {
                if case .dataCorrupted = error {
                    throw APIError.badRequest(field: "body", "is not valid JSON")
                }
                throw APIError.badRequest(field: "body", described.message)
            }
            throw APIError.badRequest(field: described.field, described.message)
        }
    }

    /// `application/json`, with or without parameters, or any `+json` type.
    /// `application/json` (or `application/*+json`), with no charset or UTF-8: JSON is UTF-8
    /// (RFC 8259), and a body declared as another encoding would be read as something else.
    private static func isJSON(_ value: String) -> Bool {
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let type = parts.first ?? ""
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            return false
        }
        return parts.dropFirst().allSatisfy { parameter in
            !parameter.hasPrefix("charset=") || ["charset=utf-8", "charset=\"utf-8\""].contains(parameter)
        }
    }
}

extension KeyedDecodingContainer {
    /// A configuration version. For -1 or 1.5 JSONDecoder throws its internal number error,
    /// which surfaces as "the data was not valid JSON" with no field; this names the key instead.
    func decodeVersion(forKey key: Key) throws -> UInt64 {
        let version: UInt64
        do {
            version = try decode(UInt64.self, forKey: key)
        } catch let error as DecodingError {
            throw error  // missing, null or not a number: these already name the key
        } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key], debugDescription: "must be a version: a whole number, not negative")
            )
        }
        guard version <= ClientSequence.maximum else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key],
                    debugDescription: "must be a version from 0 to \(ClientSequence.maximum)"))
        }
        return version
    }
}
