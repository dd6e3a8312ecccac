import Foundation
import Testing

@testable import Gateway

@Suite("Pins: a proxy or fleet held at one configuration version")
struct PinTests {
    let proxy = Proxy(id: "proxy-1", host: "127.0.0.1", httpPort: 10000)
    let fleet = Proxy(cluster: "edge", httpPort: 11000)

    /// v1 service, v2 proxy, v3 fleet, v4 another service, then an observation at 5.
    var state: GatewayState {
        var state = fold([
            .serviceRegistered(service("a")), .proxyRegistered(proxy), .proxyRegistered(fleet),
            .serviceRegistered(service("b", port: 8002)),
        ])
        state.apply(.proxyDisconnected(nodes: ["x"]), seq: 5)
        return state
    }

    func target(_ version: UInt64) -> GatewayState {
        var target = GatewayState()
        for event in [
            GatewayEvent.serviceRegistered(service("a")), .proxyRegistered(proxy), .proxyRegistered(fleet),
            .serviceRegistered(service("b", port: 8002)),
        ].prefix(Int(version)) {
            target.apply(event, seq: target.head + 1)
        }
        return target
    }

    func refusal(_ command: GatewayCommand, on state: GatewayState) -> ValidationError? {
        do {
            _ = try Decider.decide(command, state: state)
            return nil
        } catch {
            return error
        }
    }

    @Test("pinning appends ProxyPinned, changes the version, and pinning again to the same version is a no-op")
    func pin() throws {
        let events = try Decider.decide(.pinProxy(key: .node("proxy-1"), version: 2, target: target(2)), state: state)
        #expect(events == [.proxyPinned(key: .node("proxy-1"), version: 2)])
        let pinned = fold(events, from: state)
        #expect(pinned.pins == [.node("proxy-1"): 2])
        #expect(pinned.version == 6)
        #expect(try Decider.decide(.pinProxy(key: .node("proxy-1"), version: 2, target: target(2)), state: pinned).isEmpty)
        let fleetPin = try Decider.decide(.pinProxy(key: .fleet("edge"), version: 4, target: target(4)), state: pinned)
        #expect(fleetPin == [.proxyPinned(key: .fleet("edge"), version: 4)])
    }

    @Test("a pin needs a registered proxy and a configuration version at which it was registered")
    func pinRefusals() {
        let unknown = refusal(.pinProxy(key: .node("ghost"), version: 2, target: target(2)), on: state)
        #expect(unknown?.code == .notFound && unknown?.field == "proxy")
        for version: UInt64 in [0, 5, 99] {
            let error = refusal(.pinProxy(key: .node("proxy-1"), version: version, target: target(4)), on: state)
            #expect(error?.code == .invalid && error?.field == "version", "version \(version)")
        }
        let notConfiguration = refusal(.pinProxy(key: .node("proxy-1"), version: 3, target: target(2)), on: state)
        #expect(notConfiguration?.field == "version")
        #expect(notConfiguration?.message.contains("did not change the configuration") == true)
        let tooEarly = refusal(.pinProxy(key: .node("proxy-1"), version: 1, target: target(1)), on: state)
        #expect(tooEarly?.field == "version")
        #expect(tooEarly?.message.contains("not registered at version 1") == true)
    }

    @Test("unpinning: a pinned proxy appends ProxyUnpinned; an unpinned one is not found, naming the pin")
    func unpin() throws {
        let pinned = fold([.proxyPinned(key: .node("proxy-1"), version: 2)], from: state)
        #expect(try Decider.decide(.unpinProxy(key: .node("proxy-1")), state: pinned) == [.proxyUnpinned(key: .node("proxy-1"))])
        #expect(fold([.proxyUnpinned(key: .node("proxy-1"))], from: pinned).pins.isEmpty)
        let notPinned = refusal(.unpinProxy(key: .fleet("edge")), on: pinned)
        #expect(notPinned?.code == .notFound && notPinned?.field == "pin")
        #expect(refusal(.unpinProxy(key: .node("ghost")), on: pinned)?.field == "proxy")
    }

    @Test("deregistering a pinned proxy drops its pin; a rollback leaves pins alone")
    func deregisterAndRollback() throws {
        let pinned = fold(
            [.proxyPinned(key: .node("proxy-1"), version: 2), .proxyPinned(key: .fleet("edge"), version: 3)], from: state)
        let rolledBack = fold(
            try Decider.decide(.rollback(toVersion: 1, reason: "r", target: target(1)), state: pinned), from: pinned)
        #expect(rolledBack.pins == pinned.pins)
        let deregistered = try run(.deregisterProxy(key: .node("proxy-1")), on: rolledBack)
        #expect(deregistered.pins == [.fleet("edge"): 3])
    }

    @Test("checkpoint format 2 keeps pins after the proxies; format 1, with or without its pins section, is refused")
    func encodingCompatibility() throws {
        var state = fold([.proxyRegistered(Proxy(id: "p", httpPort: 10000))])
        state.skip(seq: 2)
        // Written by the format-1 encoder before pins: magic, format, version 1, head 2, no hash,
        // no services, no routes, one proxy (id "p", http_port 10000 as a zigzag varint).
        let proxies: [UInt8] = [0x01, 0x01, 0x01, 0x70, 0x00, 0x00, 0x01, 0xA0, 0x9C, 0x01, 0x00, 0x00]
        let formatOne: [UInt8] = [0x4C, 0x42, 0x47, 0x53, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00] + proxies
        // Format 1's pins section: its tag, one pin, key "p", version 1.
        let formatOnePinned = formatOne + [0x01, 0x01, 0x01, 0x70, 0x01]
        // Checkpoints are disposable: an older format is refused by its tag and rebuilt from the log.
        for old in [formatOne, formatOnePinned] {
            #expect {
                try GatewayState(decoding: old)
            } throws: { error in
                "\(error)".contains("format 1")
            }
        }

        // Format 2: the same fields, then the pins as an array (here empty).
        let current: [UInt8] = [0x4C, 0x42, 0x47, 0x53, 0x02, 0x01, 0x02, 0x00, 0x00, 0x00] + proxies + [0x00]
        #expect(state.encoded() == current)
        #expect(try GatewayState(decoding: current) == state)

        let pinned = fold([.proxyPinned(key: .node("p"), version: 1)], from: state)
        let bytes = pinned.encoded()
        // One pin, key "p", version 1.
        #expect(Array(bytes.suffix(4)) == [0x01, 0x01, 0x70, 0x01])
        #expect(try GatewayState(decoding: bytes) == pinned)
        #expect(throws: PayloadError.self) { try GatewayState(decoding: current + [0x00]) }
        #expect(throws: PayloadError.self) { try GatewayState(decoding: Array(bytes.dropLast())) }
        #expect(throws: PayloadError.self) { try GatewayState(decoding: bytes + [0x00]) }
    }

    @Test("the state's JSON shows pins only when there are some")
    func json() throws {
        let plain = try #require(JSONSerialization.jsonObject(with: state.jsonData()) as? [String: Any])
        #expect(plain["pins"] == nil)
        let pinned = fold([.proxyPinned(key: .fleet("edge"), version: 3)], from: state)
        let object = try #require(JSONSerialization.jsonObject(with: pinned.jsonData()) as? [String: Any])
        #expect(object["pins"] as? [String: Int] == ["cluster:edge": 3])
    }
}
