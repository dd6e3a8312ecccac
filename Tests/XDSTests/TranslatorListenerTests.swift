import EnvoyAPI
import Gateway
import SwiftProtobuf
import Testing

@testable import XDS

@Suite("Translator: listeners")
struct TranslatorListenerTests {
    typealias Fixture = TranslatorFixture
    typealias HttpConnectionManager = Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager

    @Test("a proxy with both ports gets an HTTP and a gRPC listener on its host")
    func bothPorts() {
        let proxy = Fixture.proxies[1]
        let listeners = Translator.listeners(for: proxy, in: Fixture.gateway)
        #expect(listeners.map(\.name) == ["listener_grpc", "listener_http"])
        let addresses = listeners.map(\.address.socketAddress)
        #expect(addresses.map(\.address) == ["127.0.0.1", "127.0.0.1"])
        #expect(addresses.map(\.portValue) == [10003, 10002])
    }

    @Test("only declared ports become listeners; the admin port never does")
    func onlyDeclaredPorts() {
        let httpOnly = Proxy(id: "edge-1", httpPort: 10000, adminPort: 9901)
        #expect(Translator.listeners(for: httpOnly, in: Fixture.gateway).map(\.name) == ["listener_http"])
        let grpcOnly = Proxy(id: "edge-2", grpcPort: 10001)
        #expect(Translator.listeners(for: grpcOnly, in: Fixture.gateway).map(\.name) == ["listener_grpc"])
        #expect(Translator.listeners(for: Proxy(id: "idle", adminPort: 9901), in: Fixture.gateway).isEmpty)
    }

    @Test("a proxy or fleet without a host binds loopback; a declared host is used as is")
    func bindAddress() {
        let fleet = Proxy(cluster: "edge", httpPort: 10000)
        let defaulted = Translator.listeners(for: fleet, in: Fixture.gateway)
        #expect(defaulted.map(\.address.socketAddress.address) == ["127.0.0.1"])
        let exposed = Proxy(id: "public", host: "0.0.0.0", httpPort: 8443)
        #expect(
            Translator.listeners(for: exposed, in: Fixture.gateway).map(\.address.socketAddress.address) == ["0.0.0.0"])
    }

    @Test("each listener's connection manager takes its routes over RDS from ADS, by listener kind")
    func rds() throws {
        for kind in ListenerKind.allCases {
            let listener = try #require(Fixture.listener(kind, of: Fixture.proxies[0], in: Fixture.gateway))
            #expect(listener.filterChains.count == 1)
            let filter = listener.filterChains[0].filters[0]
            #expect(filter.name == "envoy.filters.network.http_connection_manager")
            #expect(
                filter.typedConfig.typeURL
                    == "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
            )
            let manager = try Fixture.connectionManager(listener)
            #expect(manager.codecType == .auto)
            #expect(manager.statPrefix == "ingress_\(kind.rawValue)")
            #expect(manager.rds.routeConfigName == kind.rawValue)
            #expect(manager.rds.configSource.ads == Envoy_Config_Core_V3_AggregatedConfigSource())
            #expect(manager.rds.configSource.resourceApiVersion == .v3)
            #expect(manager.hasHTTP2ProtocolOptions == (kind == .grpc))
        }
    }

    @Test(
        "HTTP filters: CORS only where a route of the listener has CORS, gRPC-Web and stats on gRPC, router last",
        arguments: [
            (ListenerKind.http, false, ["envoy.filters.http.router"]),
            (.http, true, ["envoy.filters.http.cors", "envoy.filters.http.router"]),
            (
                .grpc, false,
                ["envoy.filters.http.grpc_web", "envoy.filters.http.grpc_stats", "envoy.filters.http.router"]
            ),
            (
                .grpc, true,
                [
                    "envoy.filters.http.cors", "envoy.filters.http.grpc_web", "envoy.filters.http.grpc_stats",
                    "envoy.filters.http.router",
                ]
            ),
        ]
    )
    func filterChain(kind: ListenerKind, withCORS: Bool, expected: [String]) throws {
        var route = Route(name: "r", listener: kind, match: RouteMatch(prefix: "/"), destination: .service("s"))
        if withCORS { route.cors = CorsPolicy(allowOrigins: ["*"]) }
        // A CORS route on the other listener must not add the filter here.
        let other = Route(
            name: "other", listener: kind == .http ? .grpc : .http, match: RouteMatch(prefix: "/"),
            destination: .service("s"), cors: CorsPolicy(allowOrigins: ["*"]))
        let proxy = Proxy(id: "p", httpPort: 10000, grpcPort: 10001)
        let state = Fixture.state(routes: [route, other], proxies: [proxy])
        let listener = try #require(Fixture.listener(kind, of: proxy, in: state))
        let filters = try Fixture.connectionManager(listener).httpFilters
        #expect(filters.map(\.name) == expected)
    }

    @Test("every HTTP filter's typed config is packed with its own type URL")
    func filterTypeURLs() throws {
        let state = Fixture.state(routes: [
            Route(
                name: "g", listener: .grpc, match: RouteMatch(prefix: "/"), destination: .service("s"),
                cors: CorsPolicy(allowOrigins: ["*"]))
        ])
        let proxy = Proxy(id: "p", grpcPort: 10001)
        let listener = try #require(Fixture.listener(.grpc, of: proxy, in: state))
        let urls = try Fixture.connectionManager(listener).httpFilters.map(\.typedConfig.typeURL)
        #expect(
            urls == [
                "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors",
                "type.googleapis.com/envoy.extensions.filters.http.grpc_web.v3.GrpcWeb",
                "type.googleapis.com/envoy.extensions.filters.http.grpc_stats.v3.FilterConfig",
                "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
            ])
    }

    @Test("requests are logged as JSON lines on standard output")
    func accessLog() throws {
        let listener = try #require(Fixture.listener(.http, of: Fixture.proxies[0], in: Fixture.gateway))
        let logs = try Fixture.connectionManager(listener).accessLog
        try #require(logs.count == 1)
        #expect(logs[0].name == "envoy.access_loggers.file")
        let file = try Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog(unpackingAny: logs[0].typedConfig)
        #expect(file.path == "/dev/stdout")
        let fields = file.logFormat.jsonFormat.fields.mapValues(\.stringValue)
        #expect(
            fields == [
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
                "response_flags": "%RESPONSE_FLAGS%",
            ])
    }

    @Test("every proxy of the seed gateway gets its own ports; only addresses differ between them")
    func seedProxies() throws {
        let state = Fixture.gateway
        let ports = state.sortedProxies.map { proxy in
            Translator.listeners(for: proxy, in: state).map(\.address.socketAddress.portValue)
        }
        #expect(ports == [[10001, 10000], [10003, 10002], [10005, 10004]])
        var first = Translator.listeners(for: state.sortedProxies[0], in: state)
        let second = Translator.listeners(for: state.sortedProxies[1], in: state)
        for index in first.indices { first[index].address = second[index].address }
        #expect(first == second)
    }
}
