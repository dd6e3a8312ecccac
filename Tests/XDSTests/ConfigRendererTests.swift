import EnvoyAPI
import Foundation
import Gateway
import Testing

@testable import XDS

@Suite("ConfigRenderer")
struct ConfigRendererTests {
    typealias Fixture = TranslatorFixture

    func document(_ state: GatewayState) throws -> [String: Any] {
        let shared = Translator.sharedResources(for: state)
        let data = try ConfigRenderer.json(
            clusters: shared.clusters, loadAssignments: shared.loadAssignments,
            listeners: Translator.listeners(for: Fixture.proxies[0], in: state),
            routeConfigurations: shared.routeConfigurations)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the document has clusters, endpoints, listeners and routes, named as in Envoy's JSON")
    func documentShape() throws {
        let document = try document(Fixture.gateway)
        #expect(document.keys.sorted() == ["clusters", "endpoints", "listeners", "routes"])
        let clusters = try #require(document["clusters"] as? [[String: Any]])
        #expect(clusters.compactMap { $0["name"] as? String } == ["graphql-api", "grpc-api", "rest-api"])
        #expect(clusters.first?["connect_timeout"] as? String == "5s")
        #expect(clusters.first?["type"] as? String == "EDS")
        let routes = try #require(document["routes"] as? [[String: Any]])
        #expect(routes.compactMap { $0["name"] as? String } == ["grpc", "http"])
    }

    @Test("an Any inside a listener renders with @type and its fields expanded")
    func anyHasType() throws {
        let listener = try #require(Translator.listeners(for: Fixture.proxies[0], in: Fixture.gateway).first)
        let data = try ConfigRenderer.json(listener)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let chains = try #require(object["filter_chains"] as? [[String: Any]])
        let filters = try #require(chains.first?["filters"] as? [[String: Any]])
        let config = try #require(filters.first?["typed_config"] as? [String: Any])
        #expect(
            config["@type"] as? String
                == "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
        )
        #expect(config["stat_prefix"] as? String == "ingress_grpc")
        let httpFilters = try #require(config["http_filters"] as? [[String: Any]])
        let router = try #require(httpFilters.last?["typed_config"] as? [String: Any])
        #expect(router["@type"] as? String == "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router")
        let logs = try #require(config["access_log"] as? [[String: Any]])
        let log = try #require(logs.first?["typed_config"] as? [String: Any])
        #expect(log["path"] as? String == "/dev/stdout")
    }

    /// Every "@type" value anywhere in a parsed JSON value.
    func types(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            var found = object.values.reduce(into: Set<String>()) { $0.formUnion(types(in: $1)) }
            if let type = object["@type"] as? String { found.insert(type) }
            return found
        }
        if let array = value as? [Any] { return array.reduce(into: Set<String>()) { $0.formUnion(types(in: $1)) } }
        return []
    }

    @Test("every Any of the seed gateway renders with its @type: filters, access log, protocol options, CORS")
    func everyAnyTyped() throws {
        let found = types(in: try document(Fixture.gateway))
        let prefix = "type.googleapis.com/envoy.extensions."
        #expect(
            found == [
                prefix + "filters.network.http_connection_manager.v3.HttpConnectionManager",
                prefix + "filters.http.cors.v3.Cors",
                prefix + "filters.http.cors.v3.CorsPolicy",
                prefix + "filters.http.grpc_web.v3.GrpcWeb",
                prefix + "filters.http.grpc_stats.v3.FilterConfig",
                prefix + "filters.http.router.v3.Router",
                prefix + "access_loggers.file.v3.FileAccessLog",
                prefix + "upstreams.http.v3.HttpProtocolOptions",
            ])
    }

    @Test("a list of messages renders as a JSON array in the given order")
    func array() throws {
        let shared = Translator.sharedResources(for: Fixture.gateway)
        let data = try ConfigRenderer.json(shared.loadAssignments)
        let array = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(array.compactMap { $0["cluster_name"] as? String } == ["graphql-api", "grpc-api", "rest-api"])
    }
}
