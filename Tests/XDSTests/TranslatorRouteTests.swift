import EnvoyAPI
import Gateway
import SwiftProtobuf
import Testing

@testable import XDS

@Suite("Translator: route configurations")
struct TranslatorRouteTests {
    typealias Fixture = TranslatorFixture

    @Test("both route configurations, grpc and http, exist even with no routes")
    func bothConfigurationsAlways() {
        let configurations = Translator.sharedResources(for: GatewayState()).routeConfigurations
        #expect(configurations.map(\.name) == ["grpc", "http"])
        for configuration in configurations {
            #expect(configuration.virtualHosts.count == 1)
            #expect(configuration.virtualHosts[0].domains == ["*"])
            #expect(configuration.virtualHosts[0].routes.isEmpty)
        }
    }

    @Test("each route lands in the configuration of its listener kind")
    func routesByListener() {
        let configurations = Translator.sharedResources(for: Fixture.gateway).routeConfigurations
        let names = configurations.map { ($0.name, $0.virtualHosts[0].routes.map(\.name)) }
        #expect(names.map(\.0) == ["grpc", "http"])
        #expect(names.map(\.1) == [["grpc"], ["graphql", "api"]])
    }

    @Test("exact path first, then regex, then prefixes longest first; more headers first; then by name")
    func orderingRule() {
        func make(_ name: String, _ match: RouteMatch) -> Route {
            Route(name: name, match: match, destination: .service("rest-api"))
        }
        let routes = [
            make("a-root", RouteMatch(prefix: "/")),
            make("b-api", RouteMatch(prefix: "/api/")),
            make("c-api-v2", RouteMatch(prefix: "/api/v2/")),
            make("d-regex", RouteMatch(regex: "^/v[0-9]+/.*$")),
            make("e-health", RouteMatch(path: "/health")),
            make("f-api-variant", RouteMatch(prefix: "/api/", headers: [HeaderMatch(name: "x-variant", exact: "b")])),
            make("0-api", RouteMatch(prefix: "/api/")),
            make("0-regex", RouteMatch(regex: "^/z$")),
        ]
        let order = Fixture.routes(routes).map(\.name)
        #expect(order == ["e-health", "0-regex", "d-regex", "c-api-v2", "f-api-variant", "0-api", "b-api", "a-root"])
    }

    @Test("prefix, exact path and regex map to Envoy's path specifiers; a regex is a safe_regex")
    func pathSpecifiers() {
        let prefix = Fixture.route(Route(name: "p", match: RouteMatch(prefix: "/api/"), destination: .service("s")))
        #expect(prefix.match.prefix == "/api/")
        let path = Fixture.route(Route(name: "x", match: RouteMatch(path: "/health"), destination: .service("s")))
        #expect(path.match.path == "/health")
        let regex = Fixture.route(
            Route(name: "r", match: RouteMatch(regex: "^/v[0-9]+/.*$"), destination: .service("s")))
        #expect(regex.match.safeRegex.regex == "^/v[0-9]+/.*$")
    }

    @Test("header conditions: exact, prefix, regex and present, in declaration order")
    func headerMatches() {
        let headers = [
            HeaderMatch(name: "x-a", exact: "1"), HeaderMatch(name: "x-b", prefix: "p"),
            HeaderMatch(name: "x-c", regex: "c+"), HeaderMatch(name: "x-d", present: true),
            HeaderMatch(name: "x-e", present: false),
        ]
        let matchers = Fixture.route(
            Route(name: "h", match: RouteMatch(prefix: "/", headers: headers), destination: .service("s"))
        ).match.headers
        #expect(matchers.map(\.name) == ["x-a", "x-b", "x-c", "x-d", "x-e"])
        #expect(matchers[0].stringMatch.exact == "1")
        #expect(matchers[1].stringMatch.prefix == "p")
        #expect(matchers[2].stringMatch.safeRegex.regex == "c+")
        #expect(matchers[3].headerMatchSpecifier == .presentMatch(true))
        #expect(matchers[4].headerMatchSpecifier == .presentMatch(false))
    }

    @Test("a single service is the route's cluster")
    func singleCluster() {
        #expect(Fixture.route(Fixture.apiRoute).route.cluster == "rest-api")
    }

    @Test("a weighted split keeps declaration order and its weights total 100")
    func weightedClusters() {
        let route = Route(
            name: "canary", match: RouteMatch(regex: "^/v[0-9]+/.*$"),
            destination: .weighted([
                WeightedService(service: "rest-api", weight: 90), WeightedService(service: "rest-api-v2", weight: 10),
            ])
        )
        let clusters = Fixture.route(route).route.weightedClusters.clusters
        #expect(clusters.map(\.name) == ["rest-api", "rest-api-v2"])
        #expect(clusters.map(\.weight.value) == [90, 10])
        #expect(clusters.reduce(0) { $0 + $1.weight.value } == 100)
    }

    @Test("timeout and retry policy carry over; no timeout means Envoy's default")
    func timeoutsAndRetries() {
        let action = Fixture.route(Fixture.apiRoute).route
        #expect(action.timeout == Google_Protobuf_Duration(seconds: 30))
        #expect(action.retryPolicy.retryOn == "5xx")
        #expect(action.retryPolicy.numRetries.value == 3)
        #expect(action.retryPolicy.perTryTimeout == Google_Protobuf_Duration(seconds: 3))

        let plain = Fixture.route(Route(name: "p", match: RouteMatch(prefix: "/"), destination: .service("s"))).route
        #expect(!plain.hasTimeout)
        #expect(!plain.hasRetryPolicy)
        #expect(plain.hashPolicy.isEmpty)
        #expect(plain.requestMirrorPolicies.isEmpty)
    }

    @Test("a zero timeout stays explicit: it turns Envoy's route timeout off, for streams")
    func zeroTimeout() {
        var route = Fixture.grpcRoute
        route.timeout = .zero
        let action = Fixture.route(route).route
        #expect(action.hasTimeout)
        #expect(action.timeout == Google_Protobuf_Duration())
    }

    @Test("a hash policy hashes the named header")
    func hashPolicy() {
        var route = Fixture.grpcRoute
        route.hashPolicy = HashPolicy(header: "x-user")
        let policies = Fixture.route(route).route.hashPolicy
        #expect(policies.map(\.header.headerName) == ["x-user"])
    }

    @Test("a mirror sends its percentage of requests to the mirror service")
    func mirror() {
        var route = Fixture.apiRoute
        route.mirror = RequestMirror(service: "shadow", percent: 5)
        let policies = Fixture.route(route).route.requestMirrorPolicies
        #expect(policies.map(\.cluster) == ["shadow"])
        #expect(policies.first?.runtimeFraction.defaultValue.numerator == 5)
        #expect(policies.first?.runtimeFraction.defaultValue.denominator == .hundred)
    }

    @Test("CORS is the route's per-filter config for envoy.filters.http.cors")
    func cors() throws {
        var route = Fixture.graphqlRoute
        route.cors = CorsPolicy(
            allowOrigins: ["https://a.example", "*"], allowMethods: ["GET", "POST"], allowHeaders: ["content-type"],
            exposeHeaders: ["x-trace", "x-id"], maxAge: .hours(24), allowCredentials: true)
        let perFilter = Fixture.route(route).typedPerFilterConfig
        #expect(Array(perFilter.keys) == ["envoy.filters.http.cors"])
        let packed = try #require(perFilter["envoy.filters.http.cors"])
        #expect(packed.typeURL == "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy")
        let policy = try Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy(unpackingAny: packed)
        #expect(policy.allowOriginStringMatch.map(\.exact) == ["https://a.example", "*"])
        #expect(policy.allowMethods == "GET,POST")
        #expect(policy.allowHeaders == "content-type")
        #expect(policy.exposeHeaders == "x-trace,x-id")
        #expect(policy.maxAge == "86400")
        #expect(policy.allowCredentials.value)
        #expect(Fixture.route(Fixture.apiRoute).typedPerFilterConfig.isEmpty)
    }
}
