import EnvoyAPI
import Foundation
import SwiftProtobuf

/// Resources shaped like the ones the translator will emit.
enum Fixtures {
    static let httpProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

    static func duration(milliseconds: Int64) -> Google_Protobuf_Duration {
        Google_Protobuf_Duration(seconds: milliseconds / 1000, nanos: Int32(milliseconds % 1000) * 1_000_000)
    }

    static func uint32(_ value: UInt32) -> Google_Protobuf_UInt32Value {
        Google_Protobuf_UInt32Value(value)
    }

    static var adsSource: Envoy_Config_Core_V3_ConfigSource {
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        source.resourceApiVersion = .v3
        return source
    }

    /// An EDS cluster for a gRPC service: ring hash, HTTP/2, gRPC health checks, breakers and
    /// outlier detection. `extraOptions` adds protocol options under other names, in the order given.
    static func grpcCluster(extraOptions: [String] = []) throws -> Envoy_Config_Cluster_V3_Cluster {
        var cluster = Envoy_Config_Cluster_V3_Cluster()
        cluster.name = "grpc-backend"
        cluster.type = .eds
        cluster.edsClusterConfig.edsConfig = adsSource
        cluster.edsClusterConfig.serviceName = "grpc-backend"
        cluster.connectTimeout = duration(milliseconds: 250)
        cluster.lbPolicy = .ringHash
        cluster.ringHashLbConfig.minimumRingSize = Google_Protobuf_UInt64Value(1024)

        var health = Envoy_Config_Core_V3_HealthCheck()
        health.timeout = duration(milliseconds: 1000)
        health.interval = duration(milliseconds: 5000)
        health.unhealthyThreshold = uint32(3)
        health.healthyThreshold = uint32(2)
        health.grpcHealthCheck.serviceName = "demo.Greeter"
        cluster.healthChecks = [health]

        var thresholds = Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds()
        thresholds.priority = .default
        thresholds.maxConnections = uint32(1024)
        thresholds.maxPendingRequests = uint32(256)
        thresholds.maxRequests = uint32(2048)
        thresholds.maxRetries = uint32(3)
        cluster.circuitBreakers.thresholds = [thresholds]

        cluster.outlierDetection.consecutive5Xx = uint32(5)
        cluster.outlierDetection.interval = duration(milliseconds: 10_000)
        cluster.outlierDetection.baseEjectionTime = duration(milliseconds: 30_000)
        cluster.outlierDetection.maxEjectionPercent = uint32(50)

        var options = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions()
        options.explicitHTTPConfig.http2ProtocolOptions.maxConcurrentStreams = uint32(100)
        for name in extraOptions {
            cluster.typedExtensionProtocolOptions[name] = try Google_Protobuf_Any(message: options)
        }
        cluster.typedExtensionProtocolOptions[httpProtocolOptionsKey] = try Google_Protobuf_Any(message: options)
        return cluster
    }

    /// An HTTP connection manager that takes route configuration "http" over ADS and logs JSON to stdout.
    static func connectionManager() throws
        -> Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager
    {
        var manager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager()
        manager.codecType = .auto
        manager.statPrefix = "ingress_http"
        manager.rds.configSource = adsSource
        manager.rds.routeConfigName = "http"

        var format = Envoy_Config_Core_V3_SubstitutionFormatString()
        format.jsonFormat = Google_Protobuf_Struct(fields: [
            "method": Google_Protobuf_Value(stringValue: "%REQ(:METHOD)%"),
            "path": Google_Protobuf_Value(stringValue: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"),
            "status": Google_Protobuf_Value(stringValue: "%RESPONSE_CODE%"),
        ])
        var fileLog = Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog()
        fileLog.path = "/dev/stdout"
        fileLog.logFormat = format
        var accessLog = Envoy_Config_Accesslog_V3_AccessLog()
        accessLog.name = "envoy.access_loggers.file"
        accessLog.typedConfig = try Google_Protobuf_Any(message: fileLog)
        manager.accessLog = [accessLog]

        var cors = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        cors.name = "envoy.filters.http.cors"
        cors.typedConfig = try Google_Protobuf_Any(message: Envoy_Extensions_Filters_Http_Cors_V3_Cors())
        var router = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter()
        router.name = "envoy.filters.http.router"
        router.typedConfig = try Google_Protobuf_Any(message: Envoy_Extensions_Filters_Http_Router_V3_Router())
        manager.httpFilters = [cors, router]
        return manager
    }

    /// Route configuration "http": a regex route with a header match, weights, retries, ring-hash
    /// affinity, a mirror and CORS, and a plain prefix route behind it.
    static func routeConfiguration() throws -> Envoy_Config_Route_V3_RouteConfiguration {
        var match = Envoy_Config_Route_V3_RouteMatch()
        match.safeRegex.regex = "^/api/v[0-9]+/orders$"
        var header = Envoy_Config_Route_V3_HeaderMatcher()
        header.name = "x-tenant"
        header.stringMatch.exact = "blue"
        match.headers = [header]

        var action = Envoy_Config_Route_V3_RouteAction()
        var stable = Envoy_Config_Route_V3_WeightedCluster.ClusterWeight()
        stable.name = "rest-api"
        stable.weight = uint32(90)
        var canary = Envoy_Config_Route_V3_WeightedCluster.ClusterWeight()
        canary.name = "rest-api-canary"
        canary.weight = uint32(10)
        action.weightedClusters.clusters = [stable, canary]
        action.timeout = duration(milliseconds: 3000)
        action.retryPolicy.retryOn = "5xx,reset,connect-failure"
        action.retryPolicy.numRetries = uint32(2)
        action.retryPolicy.perTryTimeout = duration(milliseconds: 1000)
        var hash = Envoy_Config_Route_V3_RouteAction.HashPolicy()
        hash.header.headerName = "x-user"
        action.hashPolicy = [hash]
        var mirror = Envoy_Config_Route_V3_RouteAction.RequestMirrorPolicy()
        mirror.cluster = "shadow"
        mirror.runtimeFraction.defaultValue.numerator = 25
        mirror.runtimeFraction.defaultValue.denominator = .hundred
        action.requestMirrorPolicies = [mirror]

        var cors = Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy()
        var origin = Envoy_Type_Matcher_V3_StringMatcher()
        origin.exact = "https://app.example.com"
        cors.allowOriginStringMatch = [origin]
        cors.allowMethods = "GET,POST"
        cors.maxAge = "600"

        var orders = Envoy_Config_Route_V3_Route()
        orders.name = "orders"
        orders.match = match
        orders.route = action
        orders.typedPerFilterConfig["envoy.filters.http.cors"] = try Google_Protobuf_Any(message: cors)

        var fallback = Envoy_Config_Route_V3_Route()
        fallback.name = "everything-else"
        fallback.match.prefix = "/"
        fallback.route.cluster = "rest-api"

        var host = Envoy_Config_Route_V3_VirtualHost()
        host.name = "http"
        host.domains = ["*"]
        host.routes = [orders, fallback]
        var configuration = Envoy_Config_Route_V3_RouteConfiguration()
        configuration.name = "http"
        configuration.virtualHosts = [host]
        return configuration
    }

    static var deterministic: BinaryEncodingOptions {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return options
    }
}
