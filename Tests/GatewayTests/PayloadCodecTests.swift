import Foundation
import Testing

@testable import Gateway

@Suite("Binary payload codec")
struct PayloadCodecTests {
    static let everyEvent: [GatewayEvent] = [
        .serviceRegistered(fullService),
        .serviceUpdated(fullService),
        .serviceRemoved(name: "rest-api"),
        .routeAdded(fullRoute),
        .routeChanged(route("api", to: "rest-api")),
        .routeRemoved(name: "api"),
        .proxyRegistered(fullProxy),
        .proxyRegistered(Proxy(cluster: "edge", httpPort: 10000)),
        .proxyDeregistered(key: .fleet("edge")),
        .configRolledBack(
            ConfigRollback(
                targetVersion: UInt64.max,
                reason: "bad deploy ✓",
                upsertedServices: [fullService, service("b")],
                removedServices: ["c", "d"],
                upsertedRoutes: [fullRoute],
                removedRoutes: ["e"]
            )),
        .declarativeConfigApplied(
            DeclarativeApplied(sourceHash: "sha256:abc", summary: "1 added, 0 changed, 0 removed")),
        .proxyPinned(key: .fleet("edge"), version: 300),
        .proxyUnpinned(key: .node("proxy-1")),
        .proxyConnected(nodes: [ConnectedNode(id: "proxy-1", cluster: "edge"), ConnectedNode(id: "n-2", cluster: "")]),
        .proxyDisconnected(nodes: ["proxy-1", "n-2", "n-3", "n-4"]),
        .proxyAcked(
            ProxyAck(typeURL: "type.googleapis.com/envoy.config.cluster.v3.Cluster", version: "12", nodes: ["a"])),
        .proxyNacked(
            ProxyNack(
                typeURL: "type.googleapis.com/envoy.config.listener.v3.Listener", version: "13",
                message: "bad port ✓\nsecond line", nodes: ["a", "b"])),
        .tokenIssued(
            TokenGrant(name: "ci", role: .operator, expiresAt: 1_800_000_000_000, issuer: "cli ✓", secretSHA256: "ab")),
        .tokenRevoked(name: "ci"),
    ]

    @Test("every event type round-trips through its binary payload", arguments: everyEvent)
    func roundTrip(event: GatewayEvent) throws {
        let payload = event.encodePayload()
        let decoded = try GatewayEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: payload)
        #expect(decoded == event)
        #expect(event.kind == (event.observations.isEmpty ? .configuration : .observation))
        let addedLater: [EventType] = [
            EventType.proxyPinned, EventType.proxyUnpinned, EventType.proxyConnected, EventType.proxyDisconnected,
            EventType.proxyAcked, EventType.proxyNacked, EventType.tokenIssued, EventType.tokenRevoked,
        ]
        // Schema 3 made the rate limit a field of the route (migrations/0002-rate-limit-field).
        let routeCarriers: [EventType] = [EventType.routeAdded, EventType.routeChanged, EventType.configRolledBack]
        #expect(
            event.schemaVersion
                == (addedLater.contains(event.eventType) ? 1 : routeCarriers.contains(event.eventType) ? 3 : 2))
        let viaPointer = try payload.withUnsafeBytes {
            try GatewayEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: $0)
        }
        #expect(viaPointer == event)
    }

    @Test("every event has a type, entities, a summary and JSON")
    func metadata() throws {
        #expect(Set(Self.everyEvent.map(\.type)).count == 18)
        #expect(Set(Self.everyEvent.map(\.type)) == Set(EventType.allTypes))
        #expect(
            GatewayEvent.serviceRegistered(service("rest-api")).summary == "service rest-api registered (1 endpoint)")
        #expect(GatewayEvent.proxyDeregistered(key: .fleet("edge")).entities == ["fleet/edge"])
        #expect(GatewayEvent.proxyRegistered(fullProxy).entities == ["proxy/proxy-1.a_b"])
        #expect(
            Self.everyEvent.filter { !$0.changesConfiguration }.map(\.type) == [
                "DeclarativeConfigApplied", "ProxyConnected", "ProxyDisconnected", "ProxyAcked", "ProxyNacked",
                "TokenIssued", "TokenRevoked",
            ])
        #expect(Self.everyEvent.filter { $0.kind == .observation }.allSatisfy { !$0.changesConfiguration })
        #expect(GatewayEvent.proxyPinned(key: .fleet("edge"), version: 3).entities == ["fleet/edge"])
        #expect(GatewayEvent.proxyDisconnected(nodes: ["a", "b"]).entities == ["node/a", "node/b"])
        #expect(GatewayEvent.proxyPinned(key: .fleet("edge"), version: 3).summary == "fleet edge pinned to version 3")
        #expect(
            GatewayEvent.proxyConnected(nodes: [ConnectedNode(id: "a", cluster: "edge")]).summary
                == "node a connected (cluster edge)")
        #expect(
            GatewayEvent.proxyDisconnected(nodes: ["a", "b", "c", "d", "e"]).summary
                == "5 nodes (a, b, c and 2 more) disconnected")
        #expect(
            GatewayEvent.proxyAcked(
                ProxyAck(
                    typeURL: "type.googleapis.com/envoy.config.cluster.v3.Cluster", version: "7", nodes: ["a", "b"])
            ).summary == "nodes a, b acked Cluster version 7")
        for event in Self.everyEvent {
            #expect(!event.summary.isEmpty && !event.summary.contains("\n"))
            let json = try JSONSerialization.jsonObject(with: event.payloadJSON())
            #expect(json is [String: Any])
        }
        let json = String(decoding: GatewayEvent.serviceRemoved(name: "a").payloadJSON(), as: UTF8.self)
        #expect(json == #"{"name":"a"}"#)
    }

    @Test("varints and zigzag integers cover their extremes")
    func integers() throws {
        var writer = BinaryWriter()
        let unsigned: [UInt64] = [0, 1, 127, 128, 300, UInt64(UInt32.max), UInt64.max]
        let signed: [Int64] = [0, -1, 1, -64, 64, Int64.min, Int64.max]
        for value in unsigned { writer.writeVarUInt(value) }
        for value in signed { writer.writeVarInt(value) }
        let bytes = writer.bytes
        try bytes.withUnsafeBytes { buffer in
            var reader = BinaryReader(buffer)
            for value in unsigned { #expect(try reader.readVarUInt() == value) }
            for value in signed { #expect(try reader.readVarInt() == value) }
            try reader.expectEnd()
        }
    }

    @Test("unknown types and schema versions are errors that name them")
    func unknownTypeOrVersion() {
        #expect {
            try GatewayEvent.decode(type: "ServiceExploded", schemaVersion: 2, payload: [UInt8]())
        } throws: { error in
            "\(error)".contains("ServiceExploded")
        }
        #expect {
            try GatewayEvent.decode(type: "RouteAdded", schemaVersion: 1, payload: [UInt8]())
        } throws: { error in
            "\(error)".contains("RouteAdded") && "\(error)".contains("1")
        }
        #expect {
            try GatewayEvent.decode(type: "ServiceRegistered", schemaVersion: 3, payload: [UInt8]())
        } throws: { error in
            "\(error)".contains("ServiceRegistered") && "\(error)".contains("3")
        }
    }

    @Test("every truncation of a valid payload throws and trailing bytes are refused")
    func truncated() {
        for event in Self.everyEvent {
            let payload = event.encodePayload()
            for length in 0..<payload.count {
                #expect(throws: PayloadError.self) {
                    try GatewayEvent.decode(
                        type: event.type, schemaVersion: event.schemaVersion, payload: Array(payload.prefix(length)))
                }
            }
            #expect(throws: PayloadError.self) {
                try GatewayEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: payload + [0])
            }
        }
    }

    @Test("random and mutated payloads throw or decode, never crash")
    func garbage() {
        // A fixed-seed generator keeps the test deterministic.
        var rng = SplitMix64(seed: 42)
        let types = EventType.allTypes
        for round in 0..<5_000 {
            let type = types[round % types.count]
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                bytes = Self.everyEvent[round % Self.everyEvent.count].encodePayload()
                for _ in 0..<3 where !bytes.isEmpty {
                    bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            _ = try? GatewayEvent.decode(
                type: type, schemaVersion: EventType.currentSchemaVersion(for: type) ?? 2, payload: bytes)
        }
        let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(type: "ServiceRegistered", schemaVersion: 2, payload: huge)
        }
    }

    @Test("a schema-1 ServiceRegistered JSON payload is upcast to the current Service")
    func upcaster() throws {
        let json = #"""
            {"name": "rest-api", "endpoints": ["127.0.0.1:8001"], "lb": "least_request", "connect_timeout_ms": 2500}
            """#
        let event = try GatewayEvent.decode(type: "ServiceRegistered", schemaVersion: 1, payload: Array(json.utf8))
        let expected = Service(
            name: "rest-api",
            endpoints: [Endpoint(host: "127.0.0.1", port: 8001)],
            lbPolicy: .leastRequest,
            connectTimeout: .milliseconds(2500)
        )
        #expect(event == .serviceRegistered(expected))
        #expect(event.schemaVersion == 2)
        let updated = try GatewayEvent.decode(
            type: "ServiceUpdated", schemaVersion: 1, payload: Array(#"{"name": "a", "endpoints": ["h:1"]}"#.utf8))
        #expect(updated == .serviceUpdated(Service(name: "a", endpoints: [Endpoint(host: "h", port: 1)])))
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(type: "ServiceRegistered", schemaVersion: 1, payload: Array("{".utf8))
        }
    }

    @Test("decode and fold run well over a million events per second in release builds")
    func throughput() throws {
        let events: [GatewayEvent] = (0..<1000).map { index in
            index % 3 == 0
                ? .routeChanged(route("r\(index % 50)", to: "s\(index % 20)"))
                : .serviceUpdated(service("s\(index % 20)", port: 8000 + index))
        }
        let payloads = events.map { ($0.type, $0.schemaVersion, $0.encodePayload()) }
        var state = GatewayState()
        let clock = ContinuousClock()
        let rounds = 100
        let elapsed = try clock.measure {
            var seq: UInt64 = 0
            for _ in 0..<rounds {
                for (type, schema, payload) in payloads {
                    seq += 1
                    state.apply(try GatewayEvent.decode(type: type, schemaVersion: schema, payload: payload), seq: seq)
                }
            }
        }
        let perSecond =
            Double(rounds * payloads.count)
            / (Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
        #expect(state.head == UInt64(rounds * payloads.count))
        #if !DEBUG
            #expect(perSecond > 1_000_000, "\(Int(perSecond)) events/s")
        #endif
    }
}

/// SplitMix64: a tiny deterministic generator for fuzz-ish tests.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
