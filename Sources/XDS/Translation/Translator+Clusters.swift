import EnvoyAPI
import Gateway
import SwiftProtobuf

typealias Cluster = Envoy_Config_Cluster_V3_Cluster
typealias ClusterLoadAssignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment

extension Translator {
    /// The key under which Envoy looks for a cluster's upstream HTTP protocol options.
    static let httpProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"

    /// An EDS cluster fed over ADS; a STRICT_DNS cluster with inline endpoints when any endpoint is a
    /// DNS name, because Envoy rejects an EDS endpoint address that is not an IP literal.
    static func cluster(for service: Service) -> Cluster {
        var cluster = Cluster()
        cluster.name = service.name
        if service.needsDNS {
            cluster.type = .strictDns
            // The demo backends listen on IPv4 loopback, and "localhost" resolves to ::1 first.
            cluster.dnsLookupFamily = .v4Preferred
            cluster.loadAssignment = loadAssignment(for: service)
        } else {
            cluster.type = .eds
            cluster.edsClusterConfig.edsConfig = .aggregatedV3
            cluster.edsClusterConfig.serviceName = service.name
        }
        cluster.connectTimeout = Google_Protobuf_Duration(service.connectTimeout)
        cluster.lbPolicy = lbPolicy(service.lbPolicy)
        if let check = service.healthCheck {
            cluster.healthChecks = [healthCheck(check, protocol: service.protocol)]
        }
        if let breakers = service.circuitBreakers {
            cluster.circuitBreakers = circuitBreakers(breakers)
        }
        if let detection = service.outlierDetection {
            cluster.outlierDetection = outlierDetection(detection)
        }
        if service.protocol != .http1 {
            cluster.typedExtensionProtocolOptions[httpProtocolOptionsKey] = Google_Protobuf_Any(
                packing: http2ProtocolOptions)
        }
        return cluster
    }

    /// Every endpoint of the service in one locality, in declaration order.
    static func loadAssignment(for service: Service) -> ClusterLoadAssignment {
        var locality = Envoy_Config_Endpoint_V3_LocalityLbEndpoints()
        locality.lbEndpoints = service.endpoints.map { endpoint in
            var lbEndpoint = Envoy_Config_Endpoint_V3_LbEndpoint()
            lbEndpoint.endpoint.address = socketAddress(host: endpoint.host, port: endpoint.port)
            return lbEndpoint
        }
        var assignment = ClusterLoadAssignment()
        assignment.clusterName = service.name
        assignment.endpoints = [locality]
        return assignment
    }

    static func socketAddress(host: String, port: Int) -> Envoy_Config_Core_V3_Address {
        var address = Envoy_Config_Core_V3_Address()
        address.socketAddress.address = host
        address.socketAddress.portValue = UInt32(clamping: port)
        return address
    }

    static func lbPolicy(_ policy: LoadBalancingPolicy) -> Cluster.LbPolicy {
        switch policy {
        case .roundRobin: .roundRobin
        case .leastRequest: .leastRequest
        case .random: .random
        case .ringHash: .ringHash
        case .maglev: .maglev
        }
    }

    /// gRPC services answer the gRPC health protocol (grpc.health.v1, whole server); the rest an HTTP GET of `path`.
    static func healthCheck(_ check: HealthCheck, protocol: ServiceProtocol) -> Envoy_Config_Core_V3_HealthCheck {
        var result = Envoy_Config_Core_V3_HealthCheck()
        result.timeout = Google_Protobuf_Duration(check.timeout)
        result.interval = Google_Protobuf_Duration(check.interval)
        // Envoy would otherwise probe a cluster without traffic only once a minute, so an endpoint that
        // failed its first check (still starting, say) stayed ejected for up to a minute.
        result.noTrafficInterval = result.interval
        result.healthyThreshold = Google_Protobuf_UInt32Value(count: check.healthyThreshold)
        result.unhealthyThreshold = Google_Protobuf_UInt32Value(count: check.unhealthyThreshold)
        switch `protocol` {
        case .grpc:
            result.grpcHealthCheck = Envoy_Config_Core_V3_HealthCheck.GrpcHealthCheck()
        case .http1, .http2:
            result.httpHealthCheck.path = check.path
        }
        return result
    }

    /// One threshold set, for the default routing priority (we never mark traffic high priority).
    static func circuitBreakers(_ breakers: CircuitBreakers) -> Envoy_Config_Cluster_V3_CircuitBreakers {
        var thresholds = Envoy_Config_Cluster_V3_CircuitBreakers.Thresholds()
        thresholds.priority = .default
        thresholds.maxConnections = Google_Protobuf_UInt32Value(count: breakers.maxConnections)
        thresholds.maxPendingRequests = Google_Protobuf_UInt32Value(count: breakers.maxPendingRequests)
        thresholds.maxRequests = Google_Protobuf_UInt32Value(count: breakers.maxRequests)
        thresholds.maxRetries = Google_Protobuf_UInt32Value(count: breakers.maxRetries)
        var result = Envoy_Config_Cluster_V3_CircuitBreakers()
        result.thresholds = [thresholds]
        return result
    }

    static func outlierDetection(_ detection: OutlierDetection) -> Envoy_Config_Cluster_V3_OutlierDetection {
        var result = Envoy_Config_Cluster_V3_OutlierDetection()
        result.consecutive5Xx = Google_Protobuf_UInt32Value(count: detection.consecutive5xx)
        result.interval = Google_Protobuf_Duration(detection.interval)
        result.baseEjectionTime = Google_Protobuf_Duration(detection.baseEjectionTime)
        result.maxEjectionPercent = Google_Protobuf_UInt32Value(count: detection.maxEjectionPercent)
        return result
    }

    /// HTTP/2 to every upstream host (prior knowledge, no ALPN: the backends speak plaintext h2c).
    static let http2ProtocolOptions: Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions = {
        var options = Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions()
        options.explicitHTTPConfig.http2ProtocolOptions = Envoy_Config_Core_V3_Http2ProtocolOptions()
        return options
    }()
}

extension Service {
    /// Whether an endpoint names a DNS host rather than an IP literal (validation allows only these three forms).
    var needsDNS: Bool {
        endpoints.contains { endpoint in
            !endpoint.isIPv6 && !endpoint.host.allSatisfy { $0 == "." || ($0.isASCII && $0.isNumber) }
        }
    }
}
