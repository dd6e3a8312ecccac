import EnvoyAPI
import Gateway
import SwiftProtobuf

typealias Listener = Envoy_Config_Listener_V3_Listener
typealias HttpConnectionManager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager
typealias HttpFilter = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpFilter

/// Envoy's names for the HTTP filters we configure.
enum HTTPFilterName {
    static let cors = "envoy.filters.http.cors"
    static let grpcWeb = "envoy.filters.http.grpc_web"
    static let grpcStats = "envoy.filters.http.grpc_stats"
    static let localRateLimit = "envoy.filters.http.local_ratelimit"
    static let router = "envoy.filters.http.router"
}

extension Translator {
    static let httpConnectionManagerName = "envoy.filters.network.http_connection_manager"
    static let fileAccessLogName = "envoy.access_loggers.file"

    static func listener(_ kind: ListenerKind, host: String, port: Int, in state: GatewayState) -> Listener {
        var manager = Envoy_Config_Listener_V3_Filter()
        manager.name = httpConnectionManagerName
        manager.typedConfig = Google_Protobuf_Any(packing: httpConnectionManager(kind, in: state))
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.filters = [manager]
        var listener = Listener()
        listener.name = listenerName(for: kind)
        listener.address = socketAddress(host: host, port: port)
        listener.filterChains = [chain]
        return listener
    }

    /// Codec AUTO on both listeners: it serves HTTP/1.1 and prior-knowledge HTTP/2 (h2c), so the gRPC
    /// listener takes native gRPC as well as gRPC-Web from browsers, which arrives over HTTP/1.1.
    static func httpConnectionManager(_ kind: ListenerKind, in state: GatewayState) -> HttpConnectionManager {
        var manager = HttpConnectionManager()
        manager.codecType = .auto
        manager.statPrefix = "ingress_\(kind.rawValue)"
        manager.rds.configSource = .aggregatedV3
        manager.rds.routeConfigName = routeConfigurationName(for: kind)
        if kind == .grpc {
            manager.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions()
        }
        manager.accessLog = [stdoutAccessLog]
        let routes = state.routes.values.filter { $0.listener == kind }
        manager.httpFilters = httpFilters(
            for: kind,
            cors: routes.contains { $0.cors != nil },
            rateLimit: routes.contains { $0.rateLimit != nil }
        )
        return manager
    }

    /// CORS first, so a preflight is answered before anything else sees it (and spends no rate-limit
    /// token). CORS and local rate limiting only where a route of the listener uses them: both do
    /// nothing without a per-route policy, and a listener without them keeps its bytes. gRPC-Web and
    /// gRPC stats on every gRPC listener, whatever its routes. The router is last, as Envoy requires.
    static func httpFilters(for kind: ListenerKind, cors: Bool, rateLimit: Bool) -> [HttpFilter] {
        var filters: [HttpFilter] = []
        if cors {
            filters.append(httpFilter(HTTPFilterName.cors, Envoy_Extensions_Filters_Http_Cors_V3_Cors()))
        }
        if rateLimit {
            // No token bucket here: the filter is off (0% enabled) except on routes with their own config.
            var limiter = Envoy_Extensions_Filters_Http_LocalRatelimit_V3_LocalRateLimit()
            limiter.statPrefix = "http_local_rate_limiter"
            filters.append(httpFilter(HTTPFilterName.localRateLimit, limiter))
        }
        if kind == .grpc {
            filters.append(httpFilter(HTTPFilterName.grpcWeb, Envoy_Extensions_Filters_Http_GrpcWeb_V3_GrpcWeb()))
            var stats = Envoy_Extensions_Filters_Http_GrpcStats_V3_FilterConfig()
            // One backend with a handful of methods: per-method stats cannot explode.
            stats.statsForAllMethods = Google_Protobuf_BoolValue(true)
            stats.enableUpstreamStats = true
            filters.append(httpFilter(HTTPFilterName.grpcStats, stats))
        }
        filters.append(httpFilter(HTTPFilterName.router, Envoy_Extensions_Filters_Http_Router_V3_Router()))
        return filters
    }

    static func httpFilter(_ name: String, _ config: some SwiftProtobuf.Message) -> HttpFilter {
        var filter = HttpFilter()
        filter.name = name
        filter.typedConfig = Google_Protobuf_Any(packing: config)
        return filter
    }

    /// The JSON fields of one access-log line, as Envoy command operators.
    static let accessLogFields: [String: String] = [
        "method": "%REQ(:METHOD)%",
        "path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
        "status": "%RESPONSE_CODE%",
        "duration_ms": "%DURATION%",
        "upstream_cluster": "%UPSTREAM_CLUSTER%",
        "upstream_host": "%UPSTREAM_HOST%",
        "client_ip": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%",
        "request_id": "%REQ(X-REQUEST-ID)%",
        "start_time": "%START_TIME%",
        "protocol": "%PROTOCOL%",
        // UO (circuit breaker overflow), RL (rate limited), UT (upstream timeout), URX (retries exhausted), ...
        "response_flags": "%RESPONSE_FLAGS%",
    ]

    /// One JSON object per request on Envoy's standard output.
    static let stdoutAccessLog: Envoy_Config_Accesslog_V3_AccessLog = {
        var format = Google_Protobuf_Struct()
        for (key, value) in accessLogFields {
            format.fields[key] = Google_Protobuf_Value(stringValue: value)
        }
        var file = Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog()
        file.path = "/dev/stdout"
        file.logFormat.jsonFormat = format
        var log = Envoy_Config_Accesslog_V3_AccessLog()
        log.name = fileAccessLogName
        log.typedConfig = Google_Protobuf_Any(packing: file)
        return log
    }()
}
