import Hummingbird

/// Typed reads of query parameters; a value that does not parse is a 400 naming the parameter.
/// An empty value (`?q=`) counts as absent.
struct QueryValues {
    let parameters: Parameters

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An integer in `range`, or nil when absent.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(BackendError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest(
                field: name, "must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// A non-negative, finite amount of money, or nil when absent.
    func price(_ name: String) throws(BackendError) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            throw .badRequest(field: name, "must be a non-negative number such as 19.99, not '\(text)'")
        }
        return value
    }
}
