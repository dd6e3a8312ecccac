import Testing

@testable import XDS

@Suite struct ResourceSetTests {
    let set = FakeSnapshot.make(version: 1, clusters: ["a": 1, "b": 2, "c": 3]).clusters

    @Test func namingEveryResourceIsTheWholeSet() {
        let all: Subscription = .names(["c", "a", "b"])
        #expect(set.fingerprint(of: all) == set.fingerprint(of: .wildcard))
        #expect(set.selected(by: all).map(\.name) == ["a", "b", "c"])
    }

    @Test func aSubsetOrAMissingNameIsNotTheWholeSet() {
        let subset: Subscription = .names(["a", "b"])
        #expect(set.fingerprint(of: subset) != set.fingerprint(of: .wildcard))
        #expect(set.fingerprint(of: subset) == set["a"]!.fingerprint &+ set["b"]!.fingerprint)
        // Same size as the set, one name differs.
        let other: Subscription = .names(["a", "b", "z"])
        #expect(set.fingerprint(of: other) == set.fingerprint(of: subset))
        #expect(set.selected(by: other).map(\.name) == ["a", "b"])
    }

    @Test func nameSetsCompareByTheirNames() {
        #expect(NameSet(["a", "b"]) == ["b", "a"])
        #expect(NameSet(["a", "b"]).isProbably(["b", "a"]))
        #expect(!NameSet(["a", "b"]).isProbably(["a", "c"]))
    }
}
