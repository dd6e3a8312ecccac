/// A log sequence or configuration version a client names, in a query, a path, a header or a
/// body. Reading them all here keeps every one below `maximum`, so `n + 1` in the log's reads
/// can never trap on a number a client chose: no log reaches 2^63 events.
enum ClientSequence {
    static let maximum = UInt64(Int64.max)

    /// `text` as a sequence in 0...maximum; anything else is a 400 naming `field`.
    static func parse(_ text: String, field: String, what: String = "a sequence number") throws -> UInt64 {
        guard let value = UInt64(text), value <= maximum else {
            throw APIError.badRequest(
                field: field, "must be \(what) from 0 to \(maximum), not '\(EchoedText(text))'")
        }
        return value
    }
}
