import EnvoyAPI
import Foundation
import SwiftProtobuf
import Testing

@Suite("Envoy messages on the wire")
struct WireFormatTests {
    @Test("a cluster survives deterministic serialization and parsing unchanged")
    func clusterRoundTrip() throws {
        let cluster = try Fixtures.grpcCluster()
        let bytes: [UInt8] = try cluster.serializedBytes(options: Fixtures.deterministic)
        let parsed = try Envoy_Config_Cluster_V3_Cluster(serializedBytes: bytes)
        // Not `parsed == cluster`: SwiftProtobuf compares an Any built from a message and one
        // parsed from bytes as different, so equality of resources is equality of their bytes.
        #expect(try parsed.serializedBytes(options: Fixtures.deterministic) == bytes)
        #expect(parsed.type == .eds)
        #expect(parsed.ringHashLbConfig.minimumRingSize.value == 1024)
        #expect(parsed.healthChecks.first?.grpcHealthCheck.serviceName == "demo.Greeter")
        let options = try #require(parsed.typedExtensionProtocolOptions[Fixtures.httpProtocolOptionsKey])
        let http = try Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions(unpackingAny: options)
        #expect(http.explicitHTTPConfig.http2ProtocolOptions.maxConcurrentStreams.value == 100)
    }

    @Test("equal clusters give identical bytes whatever order their maps were filled in")
    func deterministicMaps() throws {
        let names = (0..<16).map { "logbook.option.\($0)" }
        let forward: [UInt8] = try Fixtures.grpcCluster(extraOptions: names)
            .serializedBytes(options: Fixtures.deterministic)
        let backward: [UInt8] = try Fixtures.grpcCluster(extraOptions: names.reversed())
            .serializedBytes(options: Fixtures.deterministic)
        #expect(forward == backward)
    }

    @Test("an HTTP connection manager packs into Any under Envoy's type URL")
    func connectionManagerInAny() throws {
        let manager = try Fixtures.connectionManager()
        let any = try Google_Protobuf_Any(message: manager)
        #expect(
            any.typeURL
                == "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
        )
        #expect(any.isA(Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.self))

        var filter = Envoy_Config_Listener_V3_Filter()
        filter.name = "envoy.filters.network.http_connection_manager"
        filter.typedConfig = any
        let bytes: [UInt8] = try filter.serializedBytes(options: Fixtures.deterministic)
        let parsed = try Envoy_Config_Listener_V3_Filter(serializedBytes: bytes)
        let unpacked = try Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager(
            unpackingAny: parsed.typedConfig
        )
        #expect(
            try unpacked.serializedBytes(options: Fixtures.deterministic) as [UInt8]
                == manager.serializedBytes(options: Fixtures.deterministic)
        )
        #expect(unpacked.rds.routeConfigName == "http")
        #expect(unpacked.httpFilters.map(\.name) == ["envoy.filters.http.cors", "envoy.filters.http.router"])
    }

    @Test("the ADS service has Envoy's service and method names")
    func adsDescriptor() {
        typealias ADS = Envoy_Service_Discovery_V3_AggregatedDiscoveryService
        #expect(ADS.descriptor.fullyQualifiedService == "envoy.service.discovery.v3.AggregatedDiscoveryService")
        #expect(ADS.Method.StreamAggregatedResources.descriptor.method == "StreamAggregatedResources")
        #expect(ADS.Method.DeltaAggregatedResources.descriptor.method == "DeltaAggregatedResources")
    }
}
