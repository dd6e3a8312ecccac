import EnvoyAPI
import Gateway
import SwiftProtobuf

typealias RouteConfiguration = Envoy_Config_Route_V3_RouteConfiguration
typealias RouteAction = Envoy_Config_Route_V3_RouteAction

extension Translator {
    /// The name of the one virtual host of each route configuration.
    static let virtualHostName = "gateway"

    /// The routes of one listener kind, in `RoutePrecedence` order, in one virtual host for every domain.
    static func routeConfiguration(for kind: ListenerKind, in state: GatewayState) -> RouteConfiguration {
        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = virtualHostName
        host.domains = ["*"]
        host.routes = RoutePrecedence.sorted(state.routes.values.filter { $0.listener == kind }).map(route(_:))
        var configuration = RouteConfiguration()
        configuration.name = routeConfigurationName(for: kind)
        configuration.virtualHosts = [host]
        return configuration
    }

    static func route(_ route: Route) -> Envoy_Config_Route_V3_Route {
        var action = RouteAction()
        switch route.destination {
        case .service(let service):
            action.cluster = service
        case .weighted(let entries):
            // Declaration order; Envoy takes the sum of the weights (100) as the total.
            action.weightedClusters.clusters = entries.map { entry in
                var weight = Envoy_Config_Route_V3_WeightedCluster.ClusterWeight()
                weight.name = entry.service
                weight.weight = Google_Protobuf_UInt32Value(count: entry.weight)
                return weight
            }
        }
        if let timeout = route.timeout {
            action.timeout = Google_Protobuf_Duration(timeout)
        }
        if let retry = route.retryPolicy {
            action.retryPolicy = retryPolicy(retry)
        }
        if let hash = route.hashPolicy {
            var policy = RouteAction.HashPolicy()
            policy.header.headerName = hash.header
            action.hashPolicy = [policy]
        }
        if let mirror = route.mirror {
            action.requestMirrorPolicies = [mirrorPolicy(mirror)]
        }
        var result = Envoy_Config_Route_V3_Route()
        result.name = route.name
        result.match = routeMatch(route.match)
        result.route = action
        if let cors = route.cors {
            result.typedPerFilterConfig[HTTPFilterName.cors] = Google_Protobuf_Any(packing: corsPolicy(cors))
        }
        if let limit = route.rateLimit {
            result.typedPerFilterConfig[HTTPFilterName.localRateLimit] = Google_Protobuf_Any(
                packing: localRateLimit(limit, route: route.name))
        }
        return result
    }

    /// Validation guarantees exactly one of path, regex and prefix; the checks run in `RoutePrecedence`'s order.
    static func routeMatch(_ match: RouteMatch) -> Envoy_Config_Route_V3_RouteMatch {
        var result = Envoy_Config_Route_V3_RouteMatch()
        if let path = match.path {
            result.path = path
        } else if let regex = match.regex {
            result.safeRegex.regex = regex
        } else {
            result.prefix = match.prefix ?? "/"
        }
        result.headers = match.headers.map(headerMatcher(_:))
        return result
    }

    static func headerMatcher(_ header: HeaderMatch) -> Envoy_Config_Route_V3_HeaderMatcher {
        var result = Envoy_Config_Route_V3_HeaderMatcher()
        result.name = header.name
        if let exact = header.exact {
            result.stringMatch.exact = exact
        } else if let prefix = header.prefix {
            result.stringMatch.prefix = prefix
        } else if let regex = header.regex {
            result.stringMatch.safeRegex.regex = regex
        } else if let present = header.present {
            // false asks for the header to be absent.
            result.presentMatch = present
        }
        return result
    }

    static func retryPolicy(_ retry: RetryPolicy) -> Envoy_Config_Route_V3_RetryPolicy {
        var result = Envoy_Config_Route_V3_RetryPolicy()
        result.retryOn = retry.retryOn
        result.numRetries = Google_Protobuf_UInt32Value(count: retry.numRetries)
        if let perTry = retry.perTryTimeout {
            result.perTryTimeout = Google_Protobuf_Duration(perTry)
        }
        return result
    }

    static func mirrorPolicy(_ mirror: RequestMirror) -> RouteAction.RequestMirrorPolicy {
        var result = RouteAction.RequestMirrorPolicy()
        result.cluster = mirror.service
        result.runtimeFraction.defaultValue.numerator = UInt32(clamping: mirror.percent)
        result.runtimeFraction.defaultValue.denominator = .hundred
        return result
    }

    /// The route's own token bucket, enabled and enforced for every request; Envoy answers 429 when it
    /// is empty. The stat prefix names the route, so `http_local_rate_limit.rate_limited` is per route.
    static func localRateLimit(
        _ limit: RateLimit, route: String
    ) -> Envoy_Extensions_Filters_Http_LocalRatelimit_V3_LocalRateLimit {
        var result = Envoy_Extensions_Filters_Http_LocalRatelimit_V3_LocalRateLimit()
        result.statPrefix = "route_\(route)"
        result.tokenBucket.maxTokens = UInt32(clamping: limit.bucketSize)
        result.tokenBucket.tokensPerFill = Google_Protobuf_UInt32Value(count: limit.requests)
        result.tokenBucket.fillInterval = Google_Protobuf_Duration(limit.per)
        var always = Envoy_Type_V3_FractionalPercent()
        always.numerator = 100
        always.denominator = .hundred
        result.filterEnabled.defaultValue = always
        result.filterEnforced.defaultValue = always
        return result
    }

    /// The CORS filter's per-route policy. An origin "*" matches every origin: Envoy tries each
    /// matcher against "*" as well as against the request's origin.
    static func corsPolicy(_ cors: CorsPolicy) -> Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy {
        var result = Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy()
        result.allowOriginStringMatch = cors.allowOrigins.map { origin in
            var matcher = Envoy_Type_Matcher_V3_StringMatcher()
            matcher.exact = origin
            return matcher
        }
        result.allowMethods = cors.allowMethods.joined(separator: ",")
        result.allowHeaders = cors.allowHeaders.joined(separator: ",")
        result.exposeHeaders = cors.exposeHeaders.joined(separator: ",")
        if let maxAge = cors.maxAge {
            // Envoy wants whole seconds, as a string (the Access-Control-Max-Age value).
            result.maxAge = String(maxAge.milliseconds / 1000)
        }
        result.allowCredentials = Google_Protobuf_BoolValue(cors.allowCredentials)
        return result
    }
}
