import EnvoyAPI
import Gateway
import SwiftProtobuf
import Testing

@testable import XDS

@Suite("Translator: local rate limiting")
struct TranslatorRateLimitTests {
    typealias Fixture = TranslatorFixture
    typealias LocalRateLimit = Envoy_Extensions_Filters_Http_LocalRatelimit_V3_LocalRateLimit
    typealias HttpConnectionManager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager

    var limitedAPI: Route {
        var route = Fixture.apiRoute
        route.rateLimit = RateLimit(requests: 5, per: .milliseconds(1500), burst: 8)
        return route
    }

    func filterNames(_ kind: ListenerKind, in state: GatewayState) throws -> [String] {
        let listener = Translator.listeners(for: Fixture.proxies[0], in: state).first {
            $0.name == Translator.listenerName(for: kind)
        }!
        let manager = try HttpConnectionManager(unpackingAny: listener.filterChains[0].filters[0].typedConfig)
        return manager.httpFilters.map(\.name)
    }

    @Test("a route's rate limit becomes its own token bucket, enabled and enforced for every request")
    func perRoute() throws {
        let route = Fixture.routes([limitedAPI])[0]
        let any = try #require(route.typedPerFilterConfig["envoy.filters.http.local_ratelimit"])
        let limit = try LocalRateLimit(unpackingAny: any)
        #expect(limit.statPrefix == "route_api")
        #expect(limit.tokenBucket.maxTokens == 8)
        #expect(limit.tokenBucket.tokensPerFill.value == 5)
        #expect(limit.tokenBucket.fillInterval.seconds == 1 && limit.tokenBucket.fillInterval.nanos == 500_000_000)
        for percent in [limit.filterEnabled.defaultValue, limit.filterEnforced.defaultValue] {
            #expect(percent.numerator == 100 && percent.denominator == .hundred)
        }
        #expect(Fixture.routes([Fixture.apiRoute])[0].typedPerFilterConfig.isEmpty)
    }

    @Test("the listener gets the filter (off by default) after CORS only when one of its routes is limited")
    func listenerFilter() throws {
        let services = [Fixture.restAPI, Fixture.graphqlAPI, Fixture.grpcAPI]
        let limited = Fixture.state(
            services: services, routes: [limitedAPI, Fixture.graphqlRoute, Fixture.grpcRoute], proxies: Fixture.proxies)
        #expect(
            try filterNames(.http, in: limited) == [
                "envoy.filters.http.cors", "envoy.filters.http.local_ratelimit", "envoy.filters.http.router",
            ])
        #expect(!(try filterNames(.grpc, in: limited)).contains("envoy.filters.http.local_ratelimit"))
        #expect(!(try filterNames(.http, in: Fixture.gateway)).contains("envoy.filters.http.local_ratelimit"))

        let listener = Translator.listeners(for: Fixture.proxies[0], in: limited).first { $0.name == "listener_http" }!
        let manager = try HttpConnectionManager(unpackingAny: listener.filterChains[0].filters[0].typedConfig)
        let shared = try LocalRateLimit(unpackingAny: manager.httpFilters[1].typedConfig)
        #expect(!shared.hasTokenBucket && !shared.hasFilterEnabled, "no bucket at the listener: only routes limit")
    }
}
