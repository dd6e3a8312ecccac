import Foundation
import Testing

@testable import Gateway

@Suite("GatewayState")
struct GatewayStateTests {
    @Test("apply moves head on every event and version only on configuration changes")
    func versions() {
        var state = GatewayState()
        state.apply(.serviceRegistered(service("a")), seq: 1)
        state.apply(.declarativeConfigApplied(DeclarativeApplied(sourceHash: "h", summary: "s")), seq: 2)
        #expect(state.version == 1)
        #expect(state.head == 2)
        #expect(state.lastDeclarativeHash == "h")
        state.skip(seq: 3)
        #expect(state.version == 1)
        #expect(state.head == 3)
        let next = state.applying(.serviceRemoved(name: "a"), seq: 4)
        #expect(next.services.isEmpty && next.version == 4)
        #expect(state.services.count == 1)
    }

    @Test("apply upserts and removes every kind")
    func upsertsAndRemoves() {
        let state = fold([
            .serviceRegistered(service("a")), .serviceUpdated(service("a", port: 2)),
            .routeAdded(route("r", to: "a")), .routeChanged(route("r", to: "a", prefix: "/x")),
            .proxyRegistered(Proxy(cluster: "edge")), .proxyRegistered(fullProxy),
            .proxyDeregistered(key: fullProxy.key), .serviceRegistered(service("b")), .serviceRemoved(name: "b"),
            .routeAdded(route("gone", to: "a")), .routeRemoved(name: "gone"),
        ])
        #expect(state.sortedServices == [service("a", port: 2)])
        #expect(state.sortedRoutes == [route("r", to: "a", prefix: "/x")])
        #expect(state.proxies.keys.sorted() == [.fleet("edge")])
    }

    func builtInOrder(_ reversed: Bool) -> GatewayState {
        var events: [GatewayEvent] = (0..<40).map { .serviceRegistered(service("s\($0)", port: 8000 + $0)) }
        events += (0..<40).map { .routeAdded(route("r\($0)", to: "s\($0)")) }
        events += (0..<10).map { .proxyRegistered(Proxy(id: "p\($0)", host: "127.0.0.1", httpPort: 10000 + $0)) }
        if reversed { events.reverse() }
        var state = GatewayState()
        for (index, event) in events.enumerated() { state.apply(event, seq: UInt64(index + 1)) }
        return state
    }

    @Test("the same state built in two insertion orders encodes to identical bytes and JSON")
    func determinism() {
        let forward = builtInOrder(false)
        let backward = builtInOrder(true)
        #expect(forward == backward)
        #expect(forward.encoded() == backward.encoded())
        #expect(forward.jsonData() == backward.jsonData())
    }

    @Test("encoded() round-trips and garbage checkpoints throw")
    func encodedRoundTrip() throws {
        var state = fold(
            try Decider.decide(.applyDeclarative(try decodeExample(), sourceHash: "h"), state: GatewayState()))
        state.skip(seq: 99)
        let bytes = state.encoded()
        #expect(try GatewayState(decoding: bytes) == state)
        #expect(throws: PayloadError.self) { try GatewayState(decoding: Array(bytes.dropLast())) }
        #expect(throws: PayloadError.self) { try GatewayState(decoding: [1, 2, 3]) }
        #expect(throws: PayloadError.self) { try GatewayState(decoding: bytes + [0]) }
    }

    @Test("jsonData is sorted, pretty, and can leave proxies out")
    func json() throws {
        let state = fold([
            .serviceRegistered(service("b")), .serviceRegistered(service("a")), .proxyRegistered(fullProxy),
        ])
        let object = try #require(JSONSerialization.jsonObject(with: state.jsonData()) as? [String: Any])
        let names = (object["services"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["a", "b"])
        #expect(object["proxies"] != nil)
        let without = try #require(
            JSONSerialization.jsonObject(with: state.jsonData(includeProxies: false)) as? [String: Any])
        #expect(without["proxies"] == nil)
        #expect(String(decoding: state.jsonData(), as: UTF8.self).contains("\n"))
    }
}
