import Foundation

extension GatewayEvent {
    /// The payload as JSON with sorted keys, for export and display (never on the fold path).
    public func payloadJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = describe { _, payload, _, _ in try? encoder.encode(payload) }
        // Encoding these plain value types cannot fail; an empty object keeps the signature total.
        return data ?? Data("{}".utf8)
    }
}
