import Hummingbird
import LogbookCore

/// Typed reads of query parameters; a value that does not parse is a 400 naming the parameter.
struct QueryParameters {
    let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A sequence or version (`after_seq`, `cursor`, `version`, `from`, `to`).
    func sequence(_ name: String) throws -> UInt64? {
        guard let text = string(name) else { return nil }
        return try ClientSequence.parse(text, field: name)
    }

    /// A page size in 1...max.
    func limit(max: Int = APILimits.maxPageSize) throws -> Int? {
        guard let text = string("limit") else { return nil }
        guard let value = Int(text), (1...max).contains(value) else {
            throw APIError.badRequest(
                field: "limit", "must be an integer from 1 to \(max), not '\(EchoedText(text))'")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool {
        switch string(name)?.lowercased() {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let other?:
            throw APIError.badRequest(field: name, "must be true or false, not '\(EchoedText(other))'")
        }
    }

    /// About 3,000 years: past any log, and far below where milliseconds overflow Int64.
    static let maxAgeSeconds = 1e11

    /// The seconds an age such as `15m` names, as TimeExpression reads it; nil for anything else.
    static func ageSeconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604800)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number)
            else { return nil }
            return value * scale
        }
        return nil
    }

    /// ISO 8601 or an age (`15m`), as the CLI takes it; milliseconds since 1970.
    func time(_ name: String) throws -> Int64? {
        guard let text = string(name) else { return nil }
        // An age so large that it is before year 1 would overflow the conversion to milliseconds
        // (a trap, not an error), so it is refused here as the bad input it is.
        if let seconds = Self.ageSeconds(text.trimmingCharacters(in: .whitespaces)), seconds > Self.maxAgeSeconds {
            throw APIError.badRequest(field: name, "'\(EchoedText(text))' is too far in the past")
        }
        do {
            return try TimeExpression.parse(text)
        } catch let error as LogbookError {
            throw APIError.badRequest(field: name, error.message)
        }
    }
}

extension AdminRequestContext {
    /// A path parameter the route guarantees.
    func pathParameter(_ name: String) throws -> String {
        guard let value = parameters.get(name), !value.isEmpty else {
            throw APIError.badRequest(field: name, "is required")
        }
        return value
    }
}
