import EnvoyAPI
import Gateway
import SwiftProtobuf
import Testing

@testable import XDS

@Suite("Translator: clusters and load assignments")
struct TranslatorClusterTests {
    typealias Fixture = TranslatorFixture

    @Test("every service becomes an EDS cluster fed over ADS with v3 resources, sorted by name")
    func edsClusters() {
        let clusters = Translator.sharedResources(for: Fixture.gateway).clusters
        #expect(clusters.map(\.name) == ["graphql-api", "grpc-api", "rest-api"])
        for cluster in clusters {
            #expect(cluster.type == .eds)
            #expect(cluster.edsClusterConfig.serviceName == cluster.name)
            #expect(cluster.edsClusterConfig.edsConfig.ads == Envoy_Config_Core_V3_AggregatedConfigSource())
            #expect(cluster.edsClusterConfig.edsConfig.resourceApiVersion == .v3)
            #expect(cluster.connectTimeout == Google_Protobuf_Duration(seconds: 5))
            #expect(!cluster.hasLoadAssignment)
        }
    }

    @Test("a service nobody routes to still gets its cluster and load assignment")
    func unreferencedService() {
        let shared = Translator.sharedResources(for: Fixture.state(services: [Fixture.restAPI]))
        #expect(shared.clusters.map(\.name) == ["rest-api"])
        #expect(shared.loadAssignments.map(\.clusterName) == ["rest-api"])
    }

    @Test(
        "the load-balancing policy maps to Envoy's",
        arguments: [
            (LoadBalancingPolicy.roundRobin, Envoy_Config_Cluster_V3_Cluster.LbPolicy.roundRobin),
            (.leastRequest, .leastRequest), (.random, .random), (.ringHash, .ringHash), (.maglev, .maglev),
        ]
    )
    func lbPolicy(policy: LoadBalancingPolicy, expected: Envoy_Config_Cluster_V3_Cluster.LbPolicy) {
        var service = Fixture.restAPI
        service.lbPolicy = policy
        #expect(Fixture.cluster(service).lbPolicy == expected)
    }

    @Test("connect timeout keeps milliseconds")
    func connectTimeout() {
        var service = Fixture.restAPI
        service.connectTimeout = .milliseconds(1250)
        #expect(Fixture.cluster(service).connectTimeout == Google_Protobuf_Duration(seconds: 1, nanos: 250_000_000))
    }

    @Test("http1 and http2 services get an HTTP health check of their path, with the service's timings")
    func httpHealthCheck() throws {
        for serviceProtocol in [ServiceProtocol.http1, .http2] {
            var service = Fixture.restAPI
            service.protocol = serviceProtocol
            service.healthCheck = HealthCheck(
                path: "/ready", interval: .seconds(2), timeout: .milliseconds(500), healthyThreshold: 1,
                unhealthyThreshold: 4)
            let checks = Fixture.cluster(service).healthChecks
            try #require(checks.count == 1)
            #expect(checks[0].httpHealthCheck.path == "/ready")
            #expect(checks[0].interval == Google_Protobuf_Duration(seconds: 2))
            #expect(checks[0].noTrafficInterval == Google_Protobuf_Duration(seconds: 2))
            #expect(checks[0].timeout == Google_Protobuf_Duration(seconds: 0, nanos: 500_000_000))
            #expect(checks[0].healthyThreshold.value == 1)
            #expect(checks[0].unhealthyThreshold.value == 4)
        }
    }

    @Test("a grpc service gets a gRPC health check, not an HTTP one")
    func grpcHealthCheck() throws {
        let checks = Fixture.cluster(Fixture.grpcAPI).healthChecks
        try #require(checks.count == 1)
        guard case .grpcHealthCheck(let grpc)? = checks[0].healthChecker else {
            Issue.record("expected a gRPC health check, got \(String(describing: checks[0].healthChecker))")
            return
        }
        #expect(grpc.serviceName == "")
        #expect(checks[0].interval == Google_Protobuf_Duration(seconds: 5))
        #expect(checks[0].unhealthyThreshold.value == 3)
    }

    @Test("no health check, circuit breakers or outlier detection unless the service has them")
    func optionalPartsAbsent() {
        let cluster = Fixture.cluster(Service(name: "bare", endpoints: [Endpoint(host: "127.0.0.1", port: 9000)]))
        #expect(cluster.healthChecks.isEmpty)
        #expect(!cluster.hasCircuitBreakers)
        #expect(!cluster.hasOutlierDetection)
        #expect(cluster.typedExtensionProtocolOptions.isEmpty)
    }

    @Test("circuit breakers become one default-priority threshold set")
    func circuitBreakers() throws {
        let thresholds = Fixture.cluster(Fixture.restAPI).circuitBreakers.thresholds
        try #require(thresholds.count == 1)
        #expect(thresholds[0].priority == .default)
        #expect(thresholds[0].maxConnections.value == 1000)
        #expect(thresholds[0].maxPendingRequests.value == 1000)
        #expect(thresholds[0].maxRequests.value == 1000)
        #expect(thresholds[0].maxRetries.value == 3)
    }

    @Test("outlier detection carries the service's numbers")
    func outlierDetection() {
        var service = Fixture.restAPI
        service.outlierDetection = OutlierDetection(
            consecutive5xx: 7, interval: .seconds(10), baseEjectionTime: .seconds(30), maxEjectionPercent: 50)
        let detection = Fixture.cluster(service).outlierDetection
        #expect(detection.consecutive5Xx.value == 7)
        #expect(detection.interval == Google_Protobuf_Duration(seconds: 10))
        #expect(detection.baseEjectionTime == Google_Protobuf_Duration(seconds: 30))
        #expect(detection.maxEjectionPercent.value == 50)
    }

    @Test(
        "upstream HTTP/2 protocol options only for http2 and grpc services",
        arguments: [(ServiceProtocol.http1, false), (.http2, true), (.grpc, true)]
    )
    func http2Options(serviceProtocol: ServiceProtocol, expectsHTTP2: Bool) throws {
        var service = Fixture.restAPI
        service.protocol = serviceProtocol
        let options = Fixture.cluster(service).typedExtensionProtocolOptions
        guard expectsHTTP2 else {
            #expect(options.isEmpty)
            return
        }
        #expect(Array(options.keys) == ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"])
        let packed = try #require(options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"])
        #expect(packed.typeURL == "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        let unpacked = try Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions(unpackingAny: packed)
        guard case .http2ProtocolOptions? = unpacked.explicitHTTPConfig.protocolConfig else {
            Issue.record("expected explicit HTTP/2 options, got \(unpacked)")
            return
        }
    }

    @Test("a load assignment puts every endpoint, IPv4 and IPv6, in one locality of its service's cluster")
    func loadAssignment() throws {
        let service = Service(
            name: "rest-api",
            endpoints: [Endpoint(host: "127.0.0.1", port: 8001), Endpoint(host: "::1", port: 8011)]
        )
        let assignments = Translator.sharedResources(for: Fixture.state(services: [service])).loadAssignments
        try #require(assignments.count == 1)
        #expect(assignments[0].clusterName == "rest-api")
        try #require(assignments[0].endpoints.count == 1)
        let addresses = assignments[0].endpoints[0].lbEndpoints.map(\.endpoint.address.socketAddress)
        #expect(addresses.map(\.address) == ["127.0.0.1", "::1"])
        #expect(addresses.map(\.portValue) == [8001, 8011])
    }

    @Test("a DNS-named endpoint makes a STRICT_DNS cluster with its endpoints inline, and no EDS assignment")
    func dnsService() {
        let service = Service(
            name: "legacy",
            endpoints: [Endpoint(host: "backend.internal", port: 8022), Endpoint(host: "10.0.0.7", port: 8022)]
        )
        let shared = Translator.sharedResources(for: Fixture.state(services: [service, Fixture.restAPI]))
        let cluster = shared.clusters[0]
        #expect(cluster.name == "legacy")
        #expect(cluster.type == .strictDns)
        #expect(!cluster.hasEdsClusterConfig)
        #expect(cluster.dnsLookupFamily == .v4Preferred)
        #expect(cluster.loadAssignment.clusterName == "legacy")
        let hosts = cluster.loadAssignment.endpoints[0].lbEndpoints.map(\.endpoint.address.socketAddress.address)
        #expect(hosts == ["backend.internal", "10.0.0.7"])
        #expect(shared.loadAssignments.map(\.clusterName) == ["rest-api"])
    }
}
