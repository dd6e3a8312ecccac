import Synchronization

/// The backend's users, in memory. Each process starts from the same seed, so ids are
/// deterministic: the seeded users are "1" to "3" and created users count on from there.
final class UserDirectory: Sendable {
    static let seed: [DemoUser] = [
        DemoUser(id: "1", name: "Ada Lovelace", email: "ada@example.com", createdAtUnix: 1_700_000_000),
        DemoUser(id: "2", name: "Grace Hopper", email: "grace@example.com", createdAtUnix: 1_700_000_100),
        DemoUser(id: "3", name: "Alan Turing", email: "alan@example.com", createdAtUnix: 1_700_000_200),
    ]
    static let maximumNameLength = 100

    private struct State {
        var users: [DemoUser]
        var nextID: Int
    }

    private let state: Mutex<State>
    private let now: @Sendable () -> Int64

    init(users: [DemoUser] = UserDirectory.seed, now: @escaping @Sendable () -> Int64) {
        let highest = users.compactMap { Int($0.id) }.max() ?? 0
        self.state = Mutex(State(users: users, nextID: highest + 1))
        self.now = now
    }

    func user(id: String) -> DemoUser? {
        state.withLock { $0.users.first { $0.id == id } }
    }

    /// Users in creation order whose name or email contains `filter` (ignoring case), at most `limit`.
    func users(matching filter: String? = nil, limit: Int? = nil) -> [DemoUser] {
        let all = state.withLock { $0.users }
        let needle = filter?.lowercased() ?? ""
        let matching =
            needle.isEmpty
            ? all
            : all.filter { $0.name.lowercased().contains(needle) || $0.email.lowercased().contains(needle) }
        guard let limit else { return matching }
        return Array(matching.prefix(limit))
    }

    /// Creates all of `newUsers` or, if one is invalid, none of them.
    func create(_ newUsers: [NewUser]) throws(InvalidField) -> [DemoUser] {
        for (index, user) in newUsers.enumerated() {
            if let problem = Self.problem(with: user) {
                throw InvalidField(field: problem.field, reason: "\(problem.reason) (user \(index + 1) of the stream)")
            }
        }
        let createdAt = now()
        return state.withLock { state in
            newUsers.map { user in
                let created = DemoUser(
                    id: String(state.nextID), name: user.name.trimmingSpaces, email: user.email.trimmingSpaces,
                    createdAtUnix: createdAt)
                state.nextID += 1
                state.users.append(created)
                return created
            }
        }
    }

    static func problem(with user: NewUser) -> InvalidField? {
        let name = user.name.trimmingSpaces
        if name.isEmpty { return InvalidField(field: "name", reason: "must not be empty") }
        if name.count > maximumNameLength {
            return InvalidField(field: "name", reason: "must be at most \(maximumNameLength) characters")
        }
        if !EmailAddress.isPlausible(user.email.trimmingSpaces) {
            return InvalidField(field: "email", reason: "must look like name@domain.tld, got \"\(user.email)\"")
        }
        return nil
    }
}

/// Deliberately loose: the demo wants obvious typos refused, not RFC 5322.
enum EmailAddress {
    static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
