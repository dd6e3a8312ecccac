import Testing

@testable import Gateway

@Suite("StateDiff")
struct StateDiffTests {
    @Test("a diff lists added, removed and changed resources with their changed fields")
    func diff() throws {
        var api = route("api", to: "a", prefix: "/api/")
        api.timeout = .seconds(30)
        let old = fold([.serviceRegistered(service("a")), .serviceRegistered(service("gone")), .routeAdded(api)])
        api.timeout = .seconds(10)
        let new = fold([
            .serviceRegistered(service("a")), .serviceRegistered(service("new")), .routeAdded(api),
            .proxyRegistered(Proxy(cluster: "edge")),
        ])
        let diff = StateDiff(old: old, new: new)
        #expect(!diff.isEmpty)
        #expect(diff.services.added == ["new"])
        #expect(diff.services.removed == ["gone"])
        #expect(
            diff.routes.changed == [
                StateDiff.ResourceChange(
                    name: "api", fields: [StateDiff.FieldChange(field: "timeout", old: "\"30s\"", new: "\"10s\"")])
            ])
        #expect(diff.proxies.added == ["cluster:edge"])
        #expect(
            diff.lines == [
                "+ service new", "- service gone", "~ route api: timeout 30s -> 10s", "+ proxy cluster:edge",
            ])
    }

    @Test("absent fields show as (none) and identical states give an empty diff")
    func noneAndEmpty() {
        var old = service("a")
        old.healthCheck = HealthCheck()
        let diff = StateDiff(old: fold([.serviceRegistered(old)]), new: fold([.serviceRegistered(service("a"))]))
        #expect(diff.lines.count == 1)
        #expect(diff.lines.first?.hasPrefix("~ service a: health_check {") == true)
        #expect(diff.lines.first?.hasSuffix("-> (none)") == true)
        let state = fold([.serviceRegistered(service("a"))])
        #expect(StateDiff(old: state, new: state).isEmpty)
    }
}
