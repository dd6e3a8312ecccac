import EnvoyAPI
import Foundation
import Gateway
import Testing

@testable import XDS

@Suite("Translator: determinism")
struct TranslatorDeterminismTests {
    typealias Fixture = TranslatorFixture

    /// Many entries, so two dictionaries with the same contents are likely to iterate differently.
    static var manyEvents: [GatewayEvent] {
        var events = Fixture.gatewayEvents
        for index in 0..<40 {
            events.append(
                .serviceRegistered(
                    Service(
                        name: "svc-\(index)", protocol: index % 3 == 0 ? .grpc : .http1,
                        endpoints: [Endpoint(host: "127.0.0.1", port: 9000 + index)],
                        lbPolicy: LoadBalancingPolicy.allCases[index % LoadBalancingPolicy.allCases.count])))
            events.append(
                .routeAdded(
                    Route(
                        name: "route-\(index)", listener: index % 2 == 0 ? .http : .grpc,
                        match: RouteMatch(
                            prefix: "/p\(index % 7)/",
                            headers: index % 5 == 0
                                ? [HeaderMatch(name: "x-shard", exact: "\(index)")] : []),
                        destination: .service("svc-\(index)"),
                        cors: index % 4 == 0 ? CorsPolicy(allowOrigins: ["*"]) : nil)))
        }
        return events
    }

    @Test("equal states built in different orders translate to byte-identical resources")
    func insertionOrder() throws {
        let forward = Fixture.state(Self.manyEvents)
        let backward = Fixture.state(Self.manyEvents.reversed())
        #expect(forward.services == backward.services)
        #expect(forward.routes == backward.routes)
        let forwardBytes = try Fixture.encodedResources(of: forward)
        #expect(!forwardBytes.isEmpty)
        #expect(forwardBytes == (try Fixture.encodedResources(of: backward)))
    }

    @Test("translating the same state twice gives the same bytes and the same JSON")
    func repeatable() throws {
        let state = Fixture.state(Self.manyEvents)
        #expect(try Fixture.encodedResources(of: state) == Fixture.encodedResources(of: state))
        func render() throws -> Data {
            let shared = Translator.sharedResources(for: state)
            return try ConfigRenderer.json(
                clusters: shared.clusters, loadAssignments: shared.loadAssignments,
                listeners: state.sortedProxies.flatMap { Translator.listeners(for: $0, in: state) },
                routeConfigurations: shared.routeConfigurations)
        }
        #expect(try render() == render())
    }
}
