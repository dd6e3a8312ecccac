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

    /// About 50,000 services (a gateway of 10,000 is under 1 MiB); a larger file is refused before
    /// it is parsed, so reading one never takes more than seconds.
    public static let maxFileBytes = 4 << 20

    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        else {
            throw LogbookError(.badInput, field: "file", "cannot read \(path): no such file, or not a file")
        }
        if let size = attributes[.size] as? Int, size > Self.maxFileBytes {
            throw Self.tooLarge(path, size)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LogbookError(.badInput, field: "file", "cannot read \(path): not readable")
        }
        try self.init(path: path, data: data)
    }

    public init(path: String, data: Data) throws {
        guard data.count <= Self.maxFileBytes else { throw Self.tooLarge(path, data.count) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LogbookError(.badInput, field: "file", "\(path) is not UTF-8 text")
        }
        self.path = path
        self.sourceHash = Hex.encode(Array(SHA256.hash(data: data)))
        do {
            // Composed first, so syntax errors keep their line and column, and anchors are seen
            // before anything expands them.
            let parser = try Parser(yaml: text)
            let root = try withExtendedLifetime(parser) { try parser.singleRoot() } ?? ""
            if let (node, problem) = Self.firstUnacceptable(root) {
                let at = node.mark.map { "\($0.line):\($0.column)" } ?? "?"
                throw LogbookError(.badInput, field: "file", "\(path):\(at): \(problem)")
            }
            config = try YAMLDecoder().decode(DeclarativeConfig.self, from: root)
        } catch let error as LogbookError {
            throw error
        } catch let error as DecodingError {
            let described = DecodingErrorDescription(error)
            throw LogbookError(.badInput, field: described.field, "\(path): \(described.message)")
        } catch let error as YamlError {
            throw LogbookError(.badInput, field: "file", "\(path):\(Self.problem(error))")
        } catch {
            throw LogbookError(.badInput, field: "file", "\(path): \(error)")
        }
    }
}

extension DeclarativeFile {
    private static func tooLarge(_ path: String, _ size: Int) -> LogbookError {
        LogbookError(
            .badInput, field: "file", "\(path) is \(size) bytes; a gateway file may be at most \(maxFileBytes) bytes")
    }

    static let anchorProblem =
        "anchors and aliases (&name, *name) are not accepted in a gateway file: write each value out "
        + "(they let a small file expand without bound)"
    static let keyProblem = "a key must be a plain string, not a list or a mapping"

    /// The first node, in document order, that a gateway file may not hold: an anchor or alias, or a
    /// key that is a list or a mapping (which the decoder would silently skip).
    static func firstUnacceptable(_ node: Node) -> (Node, String)? {
        if node.anchor != nil { return (node, anchorProblem) }
        switch node {
        case .alias: return (node, anchorProblem)
        case .scalar: return nil
        case .sequence(let sequence): return sequence.lazy.compactMap(firstUnacceptable).first
        case .mapping(let mapping):
            for (key, value) in mapping {
                if key.scalar == nil { return (key, keyProblem) }
                if let found = firstUnacceptable(key) ?? firstUnacceptable(value) { return found }
            }
            return nil
        }
    }

    /// `LINE:COLUMN: problem` on one line, without the snippet Yams appends.
    static func problem(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let context = context.map { " (\($0.text))" } ?? ""
            return "\(mark.line):\(mark.column): not valid YAML: \(problem)\(context)"
        case .reader(let problem, let offset, _, _):
            return " not valid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? "")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "\(context.mark.line):\(context.mark.column): duplicate keys: "
                + duplicates.sorted().joined(separator: ", ")
        default:
            return " not valid YAML: \(error)"
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
