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

    @Test("a log read through the schema-2 upcasters translates to the same bytes as its events at the current schema")
    func upcastLogTranslatesIdentically() throws {
        // migrations/0002-rate-limit-field/fixture.jsonl: routes and rollbacks with rate limits,
        // as the build before schema 3 wrote them.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations/0002-rate-limit-field/fixture.jsonl")
        var old: [GatewayEvent] = []
        for line in try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n") {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let type = try #require(record["type"] as? String)
            let schema = try #require(record["schema_version"] as? Int)
            let base64 = try #require(record["payload"] as? String)
            let payload = try #require(Data(base64Encoded: base64))
            old.append(try GatewayEvent.decode(type: type, schemaVersion: UInt16(schema), payload: Array(payload)))
        }
        let current = try old.map { event in
            try GatewayEvent.decode(
                type: event.type, schemaVersion: event.schemaVersion, payload: event.encodePayload())
        }
        let (oldState, currentState) = (Fixture.state(old), Fixture.state(current))
        #expect(oldState.routes.values.contains { $0.rateLimit != nil })
        #expect(oldState == currentState)
        let bytes = try Fixture.encodedResources(of: oldState)
        #expect(!bytes.isEmpty)
        #expect(bytes == (try Fixture.encodedResources(of: currentState)))
    }
}
