import EnvoyAPI
import Foundation
import SwiftProtobuf
import TestSupport
import Testing

@Suite("Upstream Envoy reads what Logbook writes")
struct UpstreamWireTests {
    /// Has upstream's generated code parse `message`; returns upstream's deterministic re-encoding.
    func decodedByUpstream(_ message: some SwiftProtobuf.Message, as typeName: String) throws -> [UInt8] {
        let tools = try RepositoryTools.locate()
        let bytes: [UInt8] = try message.serializedBytes(options: Fixtures.deterministic)
        let directory = try TemporaryDirectory()
        let file = URL(fileURLWithPath: directory.path + "/message.pb")
        try Data(bytes).write(to: file)
        let outcome = try tools.runPython([
            tools.root.appendingPathComponent("tools/check-protos.py").path, "--decode", typeName, file.path,
        ])
        try #require(outcome.status == 0, "upstream could not read \(typeName):\n\(outcome.output)")
        let hex = outcome.output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(Self.bytes(hex: hex), "no hex re-encoding in:\n\(outcome.output)")
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }

    @Test("upstream parses our cluster, including the protocol options inside Any, with no unknown field")
    func clusterReadsUpstream() throws {
        let cluster = try Fixtures.grpcCluster()
        let reencoded = try decodedByUpstream(cluster, as: "envoy.config.cluster.v3.Cluster")
        #expect(reencoded == (try cluster.serializedBytes(options: Fixtures.deterministic)))
    }

    @Test("upstream parses our listener filter and its connection manager, filters and access log")
    func listenerFilterReadsUpstream() throws {
        var filter = Envoy_Config_Listener_V3_Filter()
        filter.name = "envoy.filters.network.http_connection_manager"
        filter.typedConfig = try Google_Protobuf_Any(message: try Fixtures.connectionManager())
        var chain = Envoy_Config_Listener_V3_FilterChain()
        chain.filters = [filter]
        var listener = Envoy_Config_Listener_V3_Listener()
        listener.name = "proxy-1-http"
        listener.address.socketAddress.address = "127.0.0.1"
        listener.address.socketAddress.portValue = 10000
        listener.filterChains = [chain]
        let reencoded = try decodedByUpstream(listener, as: "envoy.config.listener.v3.Listener")
        #expect(reencoded == (try listener.serializedBytes(options: Fixtures.deterministic)))
    }

    @Test("upstream parses our route configuration: regex, headers, weights, retries, hashing, mirror, CORS")
    func routeConfigurationReadsUpstream() throws {
        let routes = try Fixtures.routeConfiguration()
        let reencoded = try decodedByUpstream(routes, as: "envoy.config.route.v3.RouteConfiguration")
        #expect(reencoded == (try routes.serializedBytes(options: Fixtures.deterministic)))
    }
}
