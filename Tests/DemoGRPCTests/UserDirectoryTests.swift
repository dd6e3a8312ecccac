import Testing

@testable import DemoGRPC

@Suite("UserDirectory")
struct UserDirectoryTests {
    @Test(
        "an email needs one @, a local part and a dotted domain, and no spaces",
        arguments: [
            ("a@example.com", true), ("first.last@sub.example.org", true), ("a@example", false),
            ("@example.com", false), ("a@@example.com", false), ("a@example..com", false), ("a b@example.com", false),
            ("", false),
        ])
    func emailPlausibility(email: String, plausible: Bool) {
        #expect(EmailAddress.isPlausible(email) == plausible)
    }

    @Test("a name longer than 100 characters is refused, naming the field")
    func longName() {
        let problem = UserDirectory.problem(with: NewUser(name: String(repeating: "x", count: 101), email: "x@y.io"))
        #expect(problem?.field == "name")
    }

    @Test("ids count on from the highest seeded id")
    func deterministicIDs() throws {
        let directory = UserDirectory(now: { 42 })
        let created = try directory.create([NewUser(name: "n", email: "n@example.com")])
        #expect(created == [DemoUser(id: "4", name: "n", email: "n@example.com", createdAtUnix: 42)])
    }
}
