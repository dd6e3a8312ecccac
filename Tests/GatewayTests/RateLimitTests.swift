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

    @Test("RouteAdded, RouteChanged and ConfigRolledBack carry the rate limit at schema 3; schema 2 still decodes")
    func eventPayloads() throws {
        var plain = limited
        plain.rateLimit = nil
        var plainOther = plain
        plainOther.name = "api-plain"
        let rollback = ConfigRollback(
            targetVersion: 3, reason: "r", upsertedServices: [service("rest-api")], removedServices: ["s"],
            upsertedRoutes: [plainOther, limited, route("z", to: "rest-api")], removedRoutes: ["x"])
        let plainRollback = ConfigRollback(
            targetVersion: 1, reason: "", upsertedServices: [], removedServices: [], upsertedRoutes: [plain],
            removedRoutes: [])
        let events: [(GatewayEvent, schema2: [UInt8])] = [
            (.routeAdded(limited), Schema2.routeEvent(limited)),
            (.routeChanged(limited), Schema2.routeEvent(limited)),
            (.routeAdded(plain), Schema2.routeEvent(plain)),
            (.routeChanged(plain), Schema2.routeEvent(plain)),
            (.configRolledBack(rollback), Schema2.rollback(rollback)),
            (.configRolledBack(plainRollback), Schema2.rollback(plainRollback)),
        ]
        for (event, schema2) in events {
            #expect(event.schemaVersion == 3)
            let decoded = try GatewayEvent.decode(
                type: event.type, schemaVersion: event.schemaVersion, payload: event.encodePayload())
            #expect(decoded == event)
            // The upcaster: the same event from the bytes the build before schema 3 wrote.
            #expect(try GatewayEvent.decode(type: event.type, schemaVersion: 2, payload: schema2) == event)
            #expect(schema2 != event.encodePayload())
        }
    }

    @Test("a checkpoint (format 2) keeps each route's rate limit in the route; format-1 checkpoints do not decode")
    func checkpoint() throws {
        var plainRoute = limited
        plainRoute.rateLimit = nil
        func state(_ api: Route, pins: [ProxyKey: UInt64] = [.node("p"): 3]) -> GatewayState {
            GatewayState(
                services: ["rest-api": service("rest-api")],
                routes: ["api": api, "other": route("other", to: "rest-api", prefix: "/o")],
                proxies: [.node("p"): Proxy(id: "p", httpPort: 10000)], version: 4, head: 5, lastDeclarativeHash: nil,
                pins: pins)
        }
        let limitedState = state(limited)
        let plainState = state(plainRoute)
        #expect(try GatewayState(decoding: limitedState.encoded()) == limitedState)
        #expect(try GatewayState(decoding: plainState.encoded()) == plainState)
        #expect(try GatewayState(decoding: state(limited, pins: [:]).encoded()) == state(limited, pins: [:]))
        #expect(limitedState.encoded()[4] == 2, "the format tag")

        // Format 1 (rate limits and pins in sections after the proxies) is refused by its tag:
        // checkpoints are disposable, and `Projection` folds from the log instead.
        for old in [Self.formatOneCheckpoint, Self.formatOneCheckpointWithoutSection] {
            #expect {
                try GatewayState(decoding: old)
            } throws: { error in
                "\(error)".contains("format 1")
            }
        }
    }

    /// Logs written from now on hold these bytes; a change to the layout must fail here, not in production.
    @Test("the binary forms are pinned: a rate limit, a route's rate limit field, a rollback, and a checkpoint")
    func goldenBytes() throws {
        var writer = BinaryWriter()
        writer.write(RateLimit(requests: 5, per: .seconds(1), burst: 10))
        #expect(writer.bytes == Self.rateLimitBytes)
        var plain = limited
        plain.rateLimit = nil
        // Schema 3: the route's fields, then the rate limit as an optional (presence byte, body).
        #expect(GatewayEvent.routeAdded(limited).encodePayload() == Self.apiRouteSchema2 + [0x01] + Self.rateLimitBytes)
        #expect(GatewayEvent.routeChanged(plain).encodePayload() == Self.apiRouteSchema2 + [0x00])
        let rollback = ConfigRollback(
            targetVersion: 3, reason: "r", upsertedServices: [], removedServices: [], upsertedRoutes: [limited],
            removedRoutes: [])
        // Version 3, reason "r", no services, none removed, one route, none removed.
        #expect(
            GatewayEvent.configRolledBack(rollback).encodePayload()
                == [0x03, 0x01, 0x72, 0x00, 0x00, 0x01] + Self.apiRouteSchema2 + [0x01] + Self.rateLimitBytes + [0x00])
        // Checkpoint format 2: magic, tag 2, version 4, head 5, no hash, no services, one route, no
        // proxies, no pins.
        let checkpoint = GatewayState(
            services: [:], routes: ["api": limited], proxies: [:], version: 4, head: 5, lastDeclarativeHash: nil,
            pins: [:])
        #expect(
            checkpoint.encoded()
                == [0x4C, 0x42, 0x47, 0x53, 0x02, 0x04, 0x05, 0x00, 0x00, 0x01] + Self.apiRouteSchema2 + [0x01]
                + Self.rateLimitBytes + [0x00, 0x00])
        #expect(try GatewayState(decoding: checkpoint.encoded()) == checkpoint)
        #expect(Schema2.route(limited) == Self.apiRouteSchema2)
    }

    /// The schema-2 forms as the build before schema 3 wrote them: they decode to the same events forever.
    @Test("schema-2 golden bytes: the route alone, the route then its limit, a rollback with its limit section")
    func schema2GoldenBytes() throws {
        var plain = limited
        plain.rateLimit = nil
        for type in [EventType.routeAdded, .routeChanged] {
            let alone = try GatewayEvent.decode(type: type.name, schemaVersion: 2, payload: Self.apiRouteSchema2)
            let withLimit = try GatewayEvent.decode(
                type: type.name, schemaVersion: 2, payload: Self.apiRouteSchema2 + Self.rateLimitBytes)
            #expect(alone == (type == .routeAdded ? .routeAdded(plain) : .routeChanged(plain)))
            #expect(withLimit == (type == .routeAdded ? .routeAdded(limited) : .routeChanged(limited)))
        }
        // Version 3, reason "r", no services, none removed, one route, none removed, then the
        // section: one entry, the name "api", the limit.
        let rollback = try GatewayEvent.decode(
            type: EventType.configRolledBack.name, schemaVersion: 2,
            payload: [0x03, 0x01, 0x72, 0x00, 0x00, 0x01] + Self.apiRouteSchema2 + [0x00]
                + [0x01, 0x03, 0x61, 0x70, 0x69] + Self.rateLimitBytes)
        #expect(
            rollback
                == .configRolledBack(
                    ConfigRollback(
                        targetVersion: 3, reason: "r", upsertedServices: [], removedServices: [],
                        upsertedRoutes: [limited], removedRoutes: [])))
        let withoutSection = try GatewayEvent.decode(
            type: EventType.configRolledBack.name, schemaVersion: 2,
            payload: [0x03, 0x01, 0x72, 0x00, 0x00, 0x01] + Self.apiRouteSchema2 + [0x00])
        #expect(
            withoutSection
                == .configRolledBack(
                    ConfigRollback(
                        targetVersion: 3, reason: "r", upsertedServices: [], removedServices: [],
                        upsertedRoutes: [plain], removedRoutes: [])))
    }

    /// requests 5, per 1000 ms, burst 10, each a zigzag varint.
    static let rateLimitBytes: [UInt8] = [0x0A, 0xD0, 0x0F, 0x14]

    /// The route "api" (http listener, prefix "/api/", service "rest-api", nothing optional) as
    /// schema 2 wrote it: name, listener 0, match (prefix present, no path, no regex, no headers),
    /// destination tag 0 and service, then five absent optionals.
    static let apiRouteSchema2: [UInt8] = [
        0x03, 0x61, 0x70, 0x69, 0x00, 0x01, 0x05, 0x2F, 0x61, 0x70, 0x69, 0x2F, 0x00, 0x00, 0x00,
        0x00, 0x08, 0x72, 0x65, 0x73, 0x74, 0x2D, 0x61, 0x70, 0x69, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// A format-1 checkpoint as the build before format 2 wrote it: magic, tag 1, version 4, head
    /// 5, no hash, no services, the route "api", no proxies, then section 2 (rate limits): one
    /// entry, "api", the limit.
    static let formatOneCheckpoint: [UInt8] =
        [0x4C, 0x42, 0x47, 0x53, 0x01, 0x04, 0x05, 0x00, 0x00, 0x01] + apiRouteSchema2 + [0x00]
        + [0x02, 0x01, 0x03, 0x61, 0x70, 0x69] + rateLimitBytes
    static let formatOneCheckpointWithoutSection: [UInt8] =
        [0x4C, 0x42, 0x47, 0x53, 0x01, 0x04, 0x05, 0x00, 0x00, 0x01] + apiRouteSchema2 + [0x00]

    @Test("a schema-2 rollback refuses a limit for a route it does not restore, one given twice, or an empty section")
    func rollbackSection() throws {
        let rollback = ConfigRollback(
            targetVersion: 3, reason: "r", upsertedServices: [], removedServices: [], upsertedRoutes: [limited],
            removedRoutes: [])
        var plain = rollback
        plain.upsertedRoutes[0].rateLimit = nil
        // The rollback without rate limits ends where schema 2's section would start.
        let withoutSection = Schema2.rollback(plain)
        let type = EventType.configRolledBack.name
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(
                type: type, schemaVersion: 2,
                payload: withoutSection + Schema2.section([("api", limited.rateLimit!), ("api", limited.rateLimit!)]))
        }
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(
                type: type, schemaVersion: 2,
                payload: withoutSection + Schema2.section([("ghost", limited.rateLimit!)]))
        }
        #expect(throws: PayloadError.self) {
            try GatewayEvent.decode(type: type, schemaVersion: 2, payload: withoutSection + [0x00])
        }
        let payload = withoutSection + Schema2.section([("api", limited.rateLimit!)])
        #expect(try GatewayEvent.decode(type: type, schemaVersion: 2, payload: payload) == .configRolledBack(rollback))
        #expect(payload == Schema2.rollback(rollback))
    }
}

/// How the build before schema 3 wrote routes, rate limits and rollbacks, kept only to make old
/// payloads; `RateLimitTests.goldenBytes` pins it to literal bytes.
enum Schema2 {
    /// The route without a rate limit field: schema 3's layout without its last field, which
    /// for a route without a limit is the one absent-presence byte.
    static func route(_ route: Route) -> [UInt8] {
        var plain = route
        plain.rateLimit = nil
        var writer = BinaryWriter()
        writer.write(plain)
        return Array(writer.bytes.dropLast())
    }

    static func rateLimit(_ limit: RateLimit) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(limit)
        return writer.bytes
    }

    /// RouteAdded/RouteChanged: the route, then its rate limit when it has one.
    static func routeEvent(_ route: Route) -> [UInt8] {
        Self.route(route) + (route.rateLimit.map(rateLimit) ?? [])
    }

    /// The section after a rollback's routes: (route name, limit) pairs.
    static func section(_ entries: [(String, RateLimit)]) -> [UInt8] {
        var writer = BinaryWriter()
        writer.writeArray(entries) { writer, entry in
            writer.writeString(entry.0)
            writer.write(entry.1)
        }
        return writer.bytes
    }

    /// ConfigRolledBack: the fields, the routes without their limits, then the section when some
    /// route has a limit.
    static func rollback(_ rollback: ConfigRollback) -> [UInt8] {
        var writer = BinaryWriter()
        writer.writeVarUInt(rollback.targetVersion)
        writer.writeString(rollback.reason)
        writer.write(rollback.upsertedServices)
        writer.writeStrings(rollback.removedServices)
        writer.writeArray(rollback.upsertedRoutes) { writer, route in
            for byte in Self.route(route) { writer.writeByte(byte) }
        }
        writer.writeStrings(rollback.removedRoutes)
        let limited = rollback.upsertedRoutes.compactMap { route in route.rateLimit.map { (route.name, $0) } }
        return limited.isEmpty ? writer.bytes : writer.bytes + section(limited)
    }
}
