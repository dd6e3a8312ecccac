import Foundation
import Testing

@testable import Gateway

@Suite("Route rate limits: validation, JSON, and binary forms old logs still read")
struct RateLimitTests {
    let limited = Route(
        name: "api", match: RouteMatch(prefix: "/api/"), destination: .service("rest-api"),
        rateLimit: RateLimit(requests: 5, per: .seconds(1), burst: 10))
    let base: GatewayState = fold([.serviceRegistered(service("rest-api"))])

    func refusalFor(_ limit: RateLimit) -> ValidationError? {
        var candidate = limited
        candidate.rateLimit = limit
        return refusal(.addRoute(candidate), on: base)
    }

    @Test("a rate limit needs 1 or more requests, an interval of 50 ms to 1 h, and a burst of at least requests")
    func validation() {
        #expect(refusalFor(RateLimit(requests: 5, per: .seconds(1))) == nil)
        #expect(refusalFor(RateLimit(requests: 0, per: .seconds(1)))?.field == "route.rate_limit.requests")
        #expect(refusalFor(RateLimit(requests: 2_000_000, per: .seconds(1)))?.field == "route.rate_limit.requests")
        #expect(refusalFor(RateLimit(requests: 5, per: .milliseconds(49)))?.field == "route.rate_limit.per")
        #expect(refusalFor(RateLimit(requests: 5, per: .hours(2)))?.field == "route.rate_limit.per")
        let burst = refusalFor(RateLimit(requests: 5, per: .seconds(1), burst: 0))
        #expect(burst?.field == "route.rate_limit.burst")
        #expect(burst?.message.contains("out of range") == true)
        #expect(refusalFor(RateLimit(requests: 5, per: .seconds(1), burst: 4))?.field == "route.rate_limit.burst")
        #expect(refusalFor(RateLimit(requests: 5, per: .seconds(1), burst: 5)) == nil)
    }

    @Test("JSON: rate_limit with requests, per and burst; unknown keys and missing fields are refused")
    func json() throws {
        let text = #"{"name":"api","match":{"prefix":"/api/"},"service":"rest-api","rate_limit":{"requests":5,"per":"1s"}}"#
        let route = try JSONDecoder().decode(Route.self, from: Data(text.utf8))
        #expect(route.rateLimit == RateLimit(requests: 5, per: .seconds(1)))
        #expect(route.rateLimit?.bucketSize == 5)
        let again = try JSONDecoder().decode(Route.self, from: JSONEncoder().encode(limited))
        #expect(again == limited)
        for bad in [#"{"requests":5,"per":"1s","rps":3}"#, #"{"requests":5}"#, #"{"requests":5,"per":"soon"}"#] {
            let body = #"{"name":"api","match":{"prefix":"/"},"service":"a","rate_limit":"# + bad + "}"
            #expect(throws: (any Error).self) { try JSONDecoder().decode(Route.self, from: Data(body.utf8)) }
        }
    }

    @Test("RouteAdded and ConfigRolledBack carry the rate limit; without one their bytes are as before")
    func eventPayloads() throws {
        var plain = limited
        plain.rateLimit = nil
        var plainOther = plain
        plainOther.name = "api-plain"
        for event in [
            GatewayEvent.routeAdded(limited), .routeChanged(limited),
            .configRolledBack(
                ConfigRollback(
                    targetVersion: 3, reason: "r", upsertedServices: [], removedServices: [],
                    upsertedRoutes: [plainOther, limited, route("z", to: "rest-api")], removedRoutes: ["x"])),
        ] {
            let decoded = try GatewayEvent.decode(
                type: event.type, schemaVersion: event.schemaVersion, payload: event.encodePayload())
            #expect(decoded == event)
        }
        // The layout before rate limits existed: a plain route encodes exactly as the route alone.
        var writer = BinaryWriter()
        writer.write(plain)
        #expect(GatewayEvent.routeAdded(plain).encodePayload() == writer.bytes)
        let old = try GatewayEvent.decode(type: EventType.routeAdded.name, schemaVersion: 2, payload: writer.bytes)
        #expect(old == .routeAdded(plain))
    }

    @Test("a checkpoint keeps rate limits in their own section, after pins, and rejects one for an unknown route")
    func checkpoint() throws {
        var plainRoute = limited
        plainRoute.rateLimit = nil
        func state(_ api: Route) -> GatewayState {
            GatewayState(
                services: ["rest-api": service("rest-api")],
                routes: ["api": api, "other": route("other", to: "rest-api", prefix: "/o")],
                proxies: [.node("p"): Proxy(id: "p", httpPort: 10000)], version: 4, head: 5, lastDeclarativeHash: nil,
                pins: [.node("p"): 3])
        }
        let limitedState = state(limited)
        let plainState = state(plainRoute)
        let bytes = limitedState.encoded()
        let plainBytes = plainState.encoded()
        #expect(try GatewayState(decoding: bytes) == limitedState)
        #expect(try GatewayState(decoding: plainBytes) == plainState)
        #expect(bytes.count > plainBytes.count)
        #expect(Array(bytes.prefix(plainBytes.count)) == plainBytes, "the section is appended; all before it is unchanged")

        // The section names a route the checkpoint does not hold.
        var writer = BinaryWriter()
        writer.writeByte(2)
        let ghost = Route(
            name: "ghost", match: RouteMatch(prefix: "/"), destination: .service("a"),
            rateLimit: RateLimit(requests: 1, per: .seconds(1)))
        RouteRateLimits.write([ghost], to: &writer)
        #expect(throws: PayloadError.self) { try GatewayState(decoding: plainBytes + writer.bytes) }

        // Sections come once each and in tag order: rate limits (2) before pins (1) is refused.
        func make(_ api: Route, pins: [ProxyKey: UInt64]) -> GatewayState {
            GatewayState(
                services: ["rest-api": service("rest-api")],
                routes: ["api": api, "other": route("other", to: "rest-api", prefix: "/o")],
                proxies: [.node("p"): Proxy(id: "p", httpPort: 10000)], version: 4, head: 5, lastDeclarativeHash: nil,
                pins: pins)
        }
        let base = make(plainRoute, pins: [:]).encoded()
        let pinSection = Array(make(plainRoute, pins: [.node("p"): 3]).encoded().dropFirst(base.count))
        let rateSection = Array(make(limited, pins: [:]).encoded().dropFirst(base.count))
        #expect(try GatewayState(decoding: base + pinSection + rateSection) == limitedState)
        #expect(throws: PayloadError.self) { try GatewayState(decoding: base + rateSection + pinSection) }
        #expect(throws: PayloadError.self) { try GatewayState(decoding: base + pinSection + pinSection) }
    }

    /// Logs written from now on hold these bytes; a change to the layout must fail here, not in production.
    @Test("the binary forms are pinned: a rate limit, its place after a route, and the checkpoint section")
    func goldenBytes() throws {
        var writer = BinaryWriter()
        writer.write(RateLimit(requests: 5, per: .seconds(1), burst: 10))
        #expect(writer.bytes == Self.rateLimitBytes)
        var plain = limited
        plain.rateLimit = nil
        var routeBytes = BinaryWriter()
        routeBytes.write(plain)
        #expect(GatewayEvent.routeAdded(limited).encodePayload() == routeBytes.bytes + Self.rateLimitBytes)
        var section = BinaryWriter()
        RouteRateLimits.write([limited], to: &section)
        // One entry: the name "api", then the limit.
        #expect(section.bytes == [0x01, 0x03, 0x61, 0x70, 0x69] + Self.rateLimitBytes)
        let old = try GatewayEvent.decode(type: EventType.routeAdded.name, schemaVersion: 2, payload: routeBytes.bytes + Self.rateLimitBytes)
        #expect(old == .routeAdded(limited))
    }

    /// requests 5, per 1000 ms, burst 10, each a zigzag varint.
    static let rateLimitBytes: [UInt8] = [0x0A, 0xD0, 0x0F, 0x14]

    @Test("a rollback payload refuses a rate limit for a route it does not restore, or one given twice")
    func rollbackSection() throws {
        let rollback = ConfigRollback(
            targetVersion: 3, reason: "r", upsertedServices: [], removedServices: [], upsertedRoutes: [limited],
            removedRoutes: [])
        let payload = GatewayEvent.configRolledBack(rollback).encodePayload()
        var extra = BinaryWriter()
        RouteRateLimits.write([limited], to: &extra)
        // The valid payload ends with its section; swap in one that names "api" twice.
        let withoutSection = Array(payload.dropLast(extra.bytes.count))
        var twice = BinaryWriter()
        RouteRateLimits.write([limited, limited], to: &twice)
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(type: EventType.configRolledBack.name, schemaVersion: 2, payload: withoutSection + twice.bytes)
        }
        var ghost = limited
        ghost.name = "ghost"
        var unknown = BinaryWriter()
        RouteRateLimits.write([ghost], to: &unknown)
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(type: EventType.configRolledBack.name, schemaVersion: 2, payload: withoutSection + unknown.bytes)
        }
        #expect(try GatewayEvent.decode(type: EventType.configRolledBack.name, schemaVersion: 2, payload: payload) == .configRolledBack(rollback))
    }
}
