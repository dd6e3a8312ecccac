import Foundation

/// How long certificates live. Short on purpose: this PKI is for development, and a leaked
/// development key should stop working soon.
public enum Lifetime {
    /// The CA's lifetime in days: at most ten years. Every leaf dies with it, so it is the one
    /// certificate worth a longer life, but a CA key older than the project it served is a key
    /// nobody remembers to guard.
    public static let caDays: ClosedRange<Int> = 1...3650
    /// A leaf's lifetime in days: at most 397, the CA/Browser Forum's ceiling for TLS server
    /// certificates (some TLS clients refuse longer-lived ones), applied to client certificates too.
    public static let leafDays: ClosedRange<Int> = 1...397
    public static let defaultCADays = 365
    public static let defaultLeafDays = 30
    /// notBefore is this far in the past, so that a peer whose clock runs a few minutes behind
    /// still accepts a certificate made a moment ago.
    public static let clockSkew: TimeInterval = 5 * 60

    static let day: TimeInterval = 24 * 60 * 60

    static func check(_ days: Int, in range: ClosedRange<Int>, what: String) throws(PKIError) {
        guard range.contains(days) else {
            throw PKIError(
                field: "--days",
                "\(days) is out of range \(range.lowerBound)...\(range.upperBound) for \(what)")
        }
    }

    /// Whole seconds: X.509 times carry no fractions, and a certificate's dates should read back
    /// exactly as they were set.
    static func validity(days: Int, from now: Date) -> (notBefore: Date, notAfter: Date) {
        let start = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return (start.addingTimeInterval(-clockSkew), start.addingTimeInterval(TimeInterval(days) * day))
    }
}
