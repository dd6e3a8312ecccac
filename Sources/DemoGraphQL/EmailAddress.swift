/// The check a sign-up form makes: one `@`, something before it, a dotted domain after it,
/// no spaces. Deliverability is not this demo's business.
enum EmailAddress {
    static func isPlausible(_ candidate: String) -> Bool {
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, candidate.count <= 254, !candidate.contains(where: \.isWhitespace) else { return false }
        let (local, domain) = (parts[0], parts[1])
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return !local.isEmpty && labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }
}
