import Foundation
import Testing

@testable import Gateway

@Suite("Resources as JSON")
struct ResourceDecodingTests {
    @Test("the example file decodes with its defaults filled in")
    func decodesExample() throws {
        let config = try decodeExample()
        let services = try #require(config.services)
        #expect(services.count == 4)
        #expect(
            services[0].endpoints == [Endpoint(host: "127.0.0.1", port: 8001), Endpoint(host: "127.0.0.1", port: 8011)])
        #expect(services[0].outlierDetection?.maxEjectionPercent == 50)
        #expect(services[1].protocol == .http1)
        #expect(services[1].lbPolicy == .roundRobin)
        #expect(services[1].connectTimeout == .seconds(5))
        #expect(
            services[1].endpoints == [
                Endpoint(host: "::1", port: 8021), Endpoint(host: "backend.internal", port: 8022),
            ])
        let routes = try #require(config.routes)
        #expect(routes[0].destination == .service("rest-api"))
        #expect(routes[0].cors?.maxAge == .hours(24))
        #expect(routes[1].listener == .http)
        #expect(
            routes[1].destination
                == .weighted([
                    WeightedService(service: "rest-api", weight: 90),
                    WeightedService(service: "rest-api-v2", weight: 10),
                ]))
        let proxies = try #require(config.proxies)
        #expect(proxies.map(\.key) == [.node("proxy-1"), .node("proxy-2"), .fleet("edge")])
        #expect(proxies.map(\.entity) == ["proxy/proxy-1", "proxy/proxy-2", "fleet/edge"])
    }

    @Test("encoding then decoding the example gives the same config, and encoding is deterministic")
    func roundTrip() throws {
        let config = try decodeExample()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = try encoder.encode(config)
        let again = try JSONDecoder().decode(DeclarativeConfig.self, from: first)
        #expect(again == config)
        #expect(try encoder.encode(again) == first)
    }

    @Test("nil optionals are omitted and the destination is the route's service or weighted key")
    func encodingShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(route("api", to: "rest-api", prefix: "/api/")), as: UTF8.self)
        #expect(json == #"{"listener":"http","match":{"prefix":"/api/"},"name":"api","service":"rest-api"}"#)
    }

    @Test("an unknown key is an error that names the key")
    func unknownKeys() {
        let cases = [
            #"{"servces": []}"#,
            #"{"services": [{"name": "a", "endpoints": ["h:1"], "lb": "random"}]}"#,
            #"{"routes": [{"name": "a", "match": {"prefix": "/", "method": "GET"}, "service": "x"}]}"#,
        ]
        for (json, key) in zip(cases, ["servces", "lb", "method"]) {
            #expect {
                try JSONDecoder().decode(DeclarativeConfig.self, from: Data(json.utf8))
            } throws: { error in
                "\(error)".contains("unknown key '\(key)'")
            }
        }
    }

    @Test("a route needs exactly one of service or weighted")
    func destinationXor() {
        let json = #"{"name": "a", "match": {"prefix": "/"}, "service": "x", "weighted": []}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Route.self, from: Data(json.utf8)) }
    }

    @Test("durations parse every documented form and encode with the largest exact unit")
    func durations() throws {
        let parsed: [(String, Int64)] = [
            ("250ms", 250), ("5s", 5000), ("1.5s", 1500), ("2m", 120_000),
            ("1h", 3_600_000), ("0s", 0), ("0.25s", 250),
        ]
        for (text, ms) in parsed {
            #expect(ConfigDuration(parsing: text) == ConfigDuration(milliseconds: ms), "\(text)")
        }
        #expect(ConfigDuration(milliseconds: 1500).description == "1500ms")
        #expect(ConfigDuration(milliseconds: 86_400_000).description == "24h")
        #expect(ConfigDuration(milliseconds: 90_000).description == "90s")
        #expect(ConfigDuration.zero.description == "0s")
        for bad in ["", "5", "s", "-1s", "1.0001s", "1d", "1 s", "1.s", ".5s", "5sec"] {
            #expect(ConfigDuration(parsing: bad) == nil, "\(bad)")
        }
        #expect {
            try JSONDecoder().decode([ConfigDuration].self, from: Data(#"["5 seconds"]"#.utf8))
        } throws: { error in
            "\(error)".contains("'5 seconds'") && "\(error)".contains("ms, s, m or h")
        }
    }

    @Test("endpoints parse host:port with IPv4, [IPv6] and DNS hosts; bad ones name the value")
    func endpoints() throws {
        #expect(try Endpoint(parsing: "[2001:db8::1]:443") == Endpoint(host: "2001:db8::1", port: 443))
        #expect(Endpoint(host: "2001:db8::1", port: 443).description == "[2001:db8::1]:443")
        #expect(try Endpoint(parsing: "svc.local:80") == Endpoint(host: "svc.local", port: 80))
        for bad in ["nohost", ":80", "host:", "host:http", "::1:80", "[::1]80", "h:1234567"] {
            #expect(throws: ValidationError.self, "\(bad)") { try Endpoint(parsing: bad) }
        }
        #expect {
            try JSONDecoder().decode([Endpoint].self, from: Data(#"["localhost"]"#.utf8))
        } throws: { error in
            "\(error)".contains("'localhost'")
        }
    }
}
