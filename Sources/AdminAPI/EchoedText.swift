/// Client text quoted back in an error message: at most `limit` characters, control
/// characters escaped, so a 1 MB value gives a short answer and a log line cannot be forged.
struct EchoedText: CustomStringConvertible {
    static let limit = 64
    let text: String

    init(_ text: some StringProtocol) {
        self.text = String(text)
    }

    var description: String {
        var shown = ""
        for scalar in text.unicodeScalars.prefix(Self.limit) {
            switch scalar.value {
            case 0x20..<0x7F, 0xA0...: shown.unicodeScalars.append(scalar)
            default: shown += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        let count = text.unicodeScalars.count
        return count > Self.limit ? shown + "… (\(text.utf8.count) bytes)" : shown
    }
}
