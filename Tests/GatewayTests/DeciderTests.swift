import Testing

@testable import Gateway

@Suite("Decider")
struct DeciderTests {
    let withService = fold([.serviceRegistered(service("rest-api"))])

    @Test("registering a service appends ServiceRegistered; registering it again is a duplicate")
    func registerService() throws {
        let events = try Decider.decide(.registerService(service("rest-api")), state: GatewayState())
        #expect(events == [.serviceRegistered(service("rest-api"))])
        let error = refusal(.registerService(service("rest-api")), on: withService)
        #expect(error?.code == .duplicate)
    }

    @Test("updating a service: unknown is not found, identical appends nothing, a change appends ServiceUpdated")
    func updateService() throws {
        #expect(refusal(.updateService(service("nope")))?.code == .notFound)
        #expect(try Decider.decide(.updateService(service("rest-api")), state: withService).isEmpty)
        let changed = service("rest-api", port: 9000)
        #expect(try Decider.decide(.updateService(changed), state: withService) == [.serviceUpdated(changed)])
    }

    @Test("removing a service used by a route is refused and names the route")
    func removeServiceInUse() throws {
        let state = fold([
            .serviceRegistered(service("rest-api")), .serviceRegistered(service("shadow")),
            .routeAdded(route("api", to: "rest-api")),
        ])
        let error = refusal(.removeService(name: "rest-api"), on: state)
        #expect(error?.code == .inUse)
        #expect(error?.message.contains("'api'") == true)
        #expect(try Decider.decide(.removeService(name: "shadow"), state: state) == [.serviceRemoved(name: "shadow")])
        #expect(refusal(.removeService(name: "nope"), on: state)?.code == .notFound)

        var mirrored = route("mirrored", to: "rest-api")
        mirrored.mirror = RequestMirror(service: "shadow")
        let withMirror = try run(.addRoute(mirrored), on: state)
        #expect(refusal(.removeService(name: "shadow"), on: withMirror)?.code == .inUse)
    }

    @Test("routes: add, duplicate, change, no-op change, remove, not found")
    func routes() throws {
        let added = try run(.addRoute(route("api", to: "rest-api")), on: withService)
        #expect(added.routes["api"] != nil)
        #expect(refusal(.addRoute(route("api", to: "rest-api")), on: added)?.code == .duplicate)
        #expect(try Decider.decide(.changeRoute(route("api", to: "rest-api")), state: added).isEmpty)
        let changed = route("api", to: "rest-api", prefix: "/v2/")
        #expect(try Decider.decide(.changeRoute(changed), state: added) == [.routeChanged(changed)])
        #expect(refusal(.changeRoute(route("other", to: "rest-api")), on: added)?.code == .notFound)
        #expect(try Decider.decide(.removeRoute(name: "api"), state: added) == [.routeRemoved(name: "api")])
        #expect(refusal(.removeRoute(name: "other"), on: added)?.code == .notFound)
    }

    @Test("proxies: register, duplicate, update upserts, no-op update, deregister")
    func proxies() throws {
        let proxy = Proxy(id: "proxy-1", host: "127.0.0.1", httpPort: 10000)
        let state = try run(.registerProxy(proxy), on: GatewayState())
        #expect(state.proxies[.node("proxy-1")] == proxy)
        #expect(refusal(.registerProxy(proxy), on: state)?.code == .duplicate)
        #expect(try Decider.decide(.updateProxy(proxy), state: state).isEmpty)
        var moved = proxy
        moved.httpPort = 10010
        #expect(try Decider.decide(.updateProxy(moved), state: state) == [.proxyRegistered(moved)])
        #expect(refusal(.updateProxy(Proxy(id: "proxy-9")), on: state)?.code == .notFound)
        #expect(
            try Decider.decide(.deregisterProxy(key: .node("proxy-1")), state: state) == [.proxyDeregistered(key: .node("proxy-1"))])
        #expect(refusal(.deregisterProxy(key: .fleet("edge")), on: state)?.code == .notFound)
    }

    @Test("rolling back restores services and routes of the target version but not proxies")
    func rollback() throws {
        var state = try run(.registerService(service("rest-api")), on: GatewayState())
        state = try run(.addRoute(route("api", to: "rest-api")), on: state)
        let v2 = state
        state = try run(.registerService(service("extra")), on: state)
        state = try run(.changeRoute(route("api", to: "extra", prefix: "/x/")), on: state)
        state = try run(.updateService(service("rest-api", port: 9999)), on: state)
        state = try run(.registerProxy(Proxy(id: "proxy-1", httpPort: 10000)), on: state)

        let events = try Decider.decide(.rollback(toVersion: 2, reason: "bad deploy", target: v2), state: state)
        guard case .configRolledBack(let rollback)? = events.first, events.count == 1 else {
            Issue.record("expected one ConfigRolledBack, got \(events)")
            return
        }
        #expect(rollback.upsertedServices == [service("rest-api")])
        #expect(rollback.removedServices == ["extra"])
        #expect(rollback.upsertedRoutes == [route("api", to: "rest-api")])
        #expect(rollback.removedRoutes == [])
        #expect(events[0].entities == ["route/api", "service/extra", "service/rest-api"])

        let after = fold(events, from: state)
        #expect(after.services == v2.services)
        #expect(after.routes == v2.routes)
        #expect(after.proxies[.node("proxy-1")] != nil)
        #expect(after.version == state.head + 1)
        #expect(try Decider.decide(.rollback(toVersion: 2, reason: "again", target: v2), state: after).isEmpty)
    }

    @Test("a rollback needs a version in 1...head and a reason")
    func rollbackChecks() {
        let state = fold([.serviceRegistered(service("rest-api"))])
        let zero = refusal(.rollback(toVersion: 0, reason: "r", target: GatewayState()), on: state)
        #expect(zero?.code == .invalid)
        #expect(zero?.field == "version")
        #expect(refusal(.rollback(toVersion: 2, reason: "r", target: GatewayState()), on: state)?.field == "version")
        #expect(refusal(.rollback(toVersion: 1, reason: " ", target: GatewayState()), on: state)?.field == "reason")
    }

    @Test("a declarative file emits its differences in order, then one DeclarativeConfigApplied")
    func declarative() throws {
        let config = try decodeExample()
        let events = try Decider.decide(.applyDeclarative(config, sourceHash: "h1"), state: GatewayState())
        #expect(
            events.map(\.type) == [
                "ServiceRegistered", "ServiceRegistered", "ServiceRegistered", "ServiceRegistered",
                "RouteAdded", "RouteAdded", "RouteAdded",
                "ProxyRegistered", "ProxyRegistered", "ProxyRegistered",
                "DeclarativeConfigApplied",
            ])
        #expect(
            events.last
                == .declarativeConfigApplied(
                    DeclarativeApplied(sourceHash: "h1", summary: "10 added, 0 changed, 0 removed")))
        #expect(
            events.map(\.entities).prefix(4) == [
                ["service/grpc-backend"], ["service/rest-api"], ["service/rest-api-v2"], ["service/shadow"],
            ])
        let state = fold(events)
        #expect(state.lastDeclarativeHash == "h1")
        #expect(state.version == UInt64(events.count - 1))
        #expect(state.head == UInt64(events.count))
        #expect(try Decider.decide(.applyDeclarative(config, sourceHash: "h1"), state: state).isEmpty)
    }

    @Test("a declarative file removes routes before services and leaves absent sections alone")
    func declarativeRemovals() throws {
        let state = fold(
            try Decider.decide(.applyDeclarative(try decodeExample(), sourceHash: "h1"), state: GatewayState()))
        let smaller = DeclarativeConfig(
            services: [service("rest-api", port: 8001)],
            routes: [route("api", to: "rest-api", prefix: "/api/")]
        )
        let events = try Decider.decide(.applyDeclarative(smaller, sourceHash: "h2"), state: state)
        #expect(
            events.map(\.summary) == [
                "service rest-api updated (1 endpoint)",
                "route api changed (prefix /api/ -> rest-api)",
                "route canary removed",
                "route grpc removed",
                "service grpc-backend removed",
                "service rest-api-v2 removed",
                "service shadow removed",
                "declarative config applied: 0 added, 2 changed, 5 removed",
            ])
        let after = fold(events, from: state)
        #expect(after.proxies.count == 3)
    }

    @Test("a declarative file is refused as a whole: duplicates and dangling references")
    func declarativeRefusals() throws {
        let duplicate = DeclarativeConfig(services: [service("a"), service("a")])
        let error = refusal(.applyDeclarative(duplicate, sourceHash: "h"))
        #expect(error?.code == .duplicate)
        #expect(error?.field == "services[a]")

        let dangling = DeclarativeConfig(services: [service("a")], routes: [route("r", to: "b")])
        #expect(refusal(.applyDeclarative(dangling, sourceHash: "h"))?.field == "routes[r].service")

        let state = fold([.serviceRegistered(service("a")), .routeAdded(route("r", to: "a"))])
        let removesUsed = refusal(.applyDeclarative(DeclarativeConfig(services: []), sourceHash: "h"), on: state)
        #expect(removesUsed?.code == .inUse)
        #expect(removesUsed?.field == "services[a]")

        let collision = DeclarativeConfig(proxies: [
            Proxy(id: "p1", host: "10.0.0.1", httpPort: 10000), Proxy(id: "p2", host: "10.0.0.1", adminPort: 10000),
        ])
        #expect(refusal(.applyDeclarative(collision, sourceHash: "h"))?.code == .conflict)
    }
}
