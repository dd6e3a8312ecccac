import Crypto
import EventLog
import Foundation
import Gateway
import Yams

/// A declarative gateway file (YAML or JSON), read and checked for shape; its hash names it
/// in the DeclarativeConfigApplied event.
public struct DeclarativeFile: Sendable {
    public let path: String
    public let config: DeclarativeConfig
    /// SHA-256 of the file's bytes, in hex.
    public let sourceHash: String

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LogbookError(.badInput, field: "file", "cannot read \(path): no such file or not readable")
        }
        try self.init(path: path, data: data)
    }

    public init(path: String, data: Data) throws {
        guard let text = String(data: data, encoding: .utf8) else {
            throw LogbookError(.badInput, field: "file", "\(path) is not UTF-8 text")
        }
        self.path = path
        self.sourceHash = Hex.encode(Array(SHA256.hash(data: data)))
        do {
            config = try YAMLDecoder().decode(DeclarativeConfig.self, from: text)
        } catch let error as DecodingError {
            let described = DecodingErrorDescription(error)
            throw LogbookError(.badInput, field: described.field, "\(path): \(described.message)")
        } catch let error as YamlError {
            throw LogbookError(.badInput, field: "file", "\(path) is not valid YAML: \(error)")
        } catch {
            throw LogbookError(.badInput, field: "file", "\(path): \(error)")
        }
    }
}

/// A DecodingError as a field path and a sentence, without Swift's type names.
public struct DecodingErrorDescription: Sendable {
    public let field: String
    public let message: String

    public init(_ error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { text, key in
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            field = path(context.codingPath + [key])
            message = "is required but missing"
        case .typeMismatch(let type, let context):
            field = path(context.codingPath)
            message = "has the wrong type (expected \(Self.typeName(type)))"
        case .valueNotFound(let type, let context):
            field = path(context.codingPath)
            message = "must not be null (expected \(Self.typeName(type)))"
        case .dataCorrupted(let context):
            field = path(context.codingPath)
            message = context.debugDescription
        @unknown default:
            field = ""
            message = "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt32.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
