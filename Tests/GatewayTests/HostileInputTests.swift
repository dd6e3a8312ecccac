import Testing

@testable import Gateway

/// Issue 10's hostile probe: what Envoy would refuse, control characters, and unbounded input in messages.
@Suite("Hostile input")
struct HostileInputTests {
    let base: GatewayState = fold([.serviceRegistered(service("rest-api")), .serviceRegistered(service("shadow"))])

    func routeRefusal(_ change: (inout Route) -> Void) -> ValidationError? {
        var candidate = route("api", to: "rest-api", prefix: "/api/")
        change(&candidate)
        return refusal(.addRoute(candidate), on: base)
    }

    func serviceRefusal(_ change: (inout Service) -> Void) -> ValidationError? {
        var candidate = service("new")
        change(&candidate)
        return refusal(.registerService(candidate), on: base)
    }

    /// Refused as invalid, on `field`, with a short message; and the state still takes a valid route after it.
    func expectRefused(
        _ error: ValidationError?, field: String, containing text: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(error?.code == .invalid, sourceLocation: sourceLocation)
        #expect(error?.field == field, sourceLocation: sourceLocation)
        #expect(
            error?.message.contains(text) == true, "\(error?.message ?? "accepted")", sourceLocation: sourceLocation)
        #expect((error?.message.utf8.count ?? 0) < 400, sourceLocation: sourceLocation)
    }

    // MARK: Regexes: RE2 as Envoy compiles it

    @Test("lookaround, backreferences, possessive and atomic groups are refused: RE2 has none of them")
    func re2Syntax() {
        let cases: [(String, String)] = [
            ("/(?=a)x", "invalid perl operator"), ("/(?!a)x", "invalid perl operator"),
            ("/(?<=a)x", "invalid perl operator"), ("/(?<!a)x", "invalid perl operator"),
            ("/(a)\\1", "invalid escape sequence"), ("/a*+", "bad repetition operator"),
            ("/(?>a)", "invalid perl operator"), ("/[a", "missing ]"), ("/(a", "missing )"),
            ("/\\x{100}", "invalid escape sequence"),
        ]
        for (pattern, reason) in cases {
            expectRefused(
                routeRefusal { $0.match = RouteMatch(regex: pattern) }, field: "route.match.regex", containing: reason)
            let header = RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x-a", regex: pattern)])
            expectRefused(routeRefusal { $0.match = header }, field: "route.match.headers[0].regex", containing: reason)
        }
    }

    @Test("a regex above Envoy's RE2 program size limit (100) is refused; one at it is taken")
    func programSize() {
        // A literal of n bytes compiles to n + 4 instructions: 96 bytes is 100, 97 is 101. Envoy 1.40
        // takes the first and refuses the second ("RE2 program size of 101 > max program size of 100").
        #expect(RegexCheck.compile("/" + String(repeating: "a", count: 95)) == .compiled(programSize: 100))
        #expect(routeRefusal { $0.match = RouteMatch(regex: "/" + String(repeating: "a", count: 95)) } == nil)
        expectRefused(
            routeRefusal { $0.match = RouteMatch(regex: "/" + String(repeating: "a", count: 96)) },
            field: "route.match.regex", containing: "program size is 101, above Envoy's limit of 100")
        expectRefused(
            routeRefusal { $0.match = RouteMatch(regex: "/(a{10}){10}") }, field: "route.match.regex",
            containing: "too complex")
        // RE2 itself refuses a repetition count above 1000, nested ones included.
        expectRefused(
            routeRefusal { $0.match = RouteMatch(regex: "((a{100}){100}){100}") }, field: "route.match.regex",
            containing: "invalid repetition size")
        let header = RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x-a", regex: "(ab{20}){5}")])
        expectRefused(
            routeRefusal { $0.match = header }, field: "route.match.headers[0].regex", containing: "too complex")
    }

    @Test("a 500 KB regex is refused by length before compiling, and the message stays short")
    func hugeRegex() {
        let pattern = "/" + String(repeating: "a", count: 500_000)
        expectRefused(
            routeRefusal { $0.match = RouteMatch(regex: pattern) }, field: "route.match.regex",
            containing: "500001 bytes is longer than 8192 bytes")
    }

    @Test("regexes RE2 and Envoy take are still accepted")
    func validRegexes() {
        for pattern in [
            "^/v[0-9]+/.*$", "^/api/v[0-9]+/users/[a-z0-9-]+/orders/[0-9]+$", "(?i)^/static/[^/]+\\.(css|js|png)$",
            "^/é[a-z]+$", "^/users/[^/]+/orders/[^/]+$", "\\pL", "^/a{2,5}b?$", "^/(?P<id>[0-9]+)$",
        ] {
            #expect(routeRefusal { $0.match = RouteMatch(regex: pattern) } == nil, "\(pattern)")
            let header = RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x-a", regex: pattern)])
            #expect(routeRefusal { $0.match = header } == nil, "\(pattern)")
        }
    }

    // MARK: Header names, paths, origins

    @Test("a header-match name is an RFC 9110 token (or a pseudo-header); NUL, space and ':' are refused")
    func headerNames() {
        func match(_ name: String) -> RouteMatch {
            RouteMatch(prefix: "/", headers: [HeaderMatch(name: name, present: true)])
        }
        expectRefused(
            routeRefusal { $0.match = match("x\0y") }, field: "route.match.headers[0].name", containing: "U+0000")
        for name in ["x y", "x:y", "x(y", "x\"y", "x/y", "é", "", ":", "::a"] {
            expectRefused(
                routeRefusal { $0.match = match(name) }, field: "route.match.headers[0].name",
                containing: "invalid header name")
        }
        for name in ["x-variant", "X-Up", ":authority", "x_y.z~1!#$%&'*+^`|"] {
            #expect(routeRefusal { $0.match = match(name) } == nil, "\(name)")
        }
    }

    @Test("header values with control characters are refused (CR, LF, NUL, DEL, C1)")
    func headerValues() {
        for value in ["a\r\nx-forged: 1", "a\0", "a\u{7F}", "a\u{85}", "a\tb"] {
            let exact = RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x-a", exact: value)])
            expectRefused(
                routeRefusal { $0.match = exact }, field: "route.match.headers[0].exact", containing: "control")
            let prefix = RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x-a", prefix: value)])
            expectRefused(
                routeRefusal { $0.match = prefix }, field: "route.match.headers[0].prefix", containing: "control")
        }
        let fine = RouteMatch(prefix: "/", headers: [HeaderMatch(name: "x-a", exact: "b c; d=é")])
        #expect(routeRefusal { $0.match = fine } == nil)
    }

    @Test("the hash-policy header is a token: a control character, a space or ':' inside is refused")
    func hashPolicyHeader() {
        expectRefused(
            routeRefusal { $0.hashPolicy = HashPolicy(header: "x\u{01}user") }, field: "route.hash_policy.header",
            containing: "U+0001")
        for header in ["x user", "x:user", "x\u{7F}"] {
            #expect(routeRefusal { $0.hashPolicy = HashPolicy(header: header) }?.field == "route.hash_policy.header")
        }
        #expect(routeRefusal { $0.hashPolicy = HashPolicy(header: "x-user") } == nil)
        #expect(routeRefusal { $0.hashPolicy = HashPolicy(header: ":authority") } == nil)
    }

    @Test("CR/LF (and spaces) in a health-check path are refused")
    func healthCheckPath() {
        expectRefused(
            serviceRefusal { $0.healthCheck = HealthCheck(path: "/health\r\nHost: evil") },
            field: "service.health_check.path", containing: "U+000D")
        expectRefused(
            serviceRefusal { $0.healthCheck = HealthCheck(path: "/health check") }, field: "service.health_check.path",
            containing: "whitespace")
        #expect(serviceRefusal { $0.healthCheck = HealthCheck(path: "/healthz?full=1") } == nil)
    }

    @Test("CR/LF in a route prefix or path is refused: it would forge a line in the audit trail")
    func prefixAndPath() {
        expectRefused(
            routeRefusal { $0.match = RouteMatch(prefix: "/api\r\n2026-01-01 forged") }, field: "route.match.prefix",
            containing: "control character U+000D at byte 4")
        expectRefused(
            routeRefusal { $0.match = RouteMatch(path: "/a\nb") }, field: "route.match.path", containing: "U+000A")
        expectRefused(
            routeRefusal { $0.match = RouteMatch(prefix: "/a\u{9B}") }, field: "route.match.prefix",
            containing: "U+009B")
        expectRefused(
            routeRefusal { $0.match = RouteMatch(prefix: "/a b") }, field: "route.match.prefix",
            containing: "whitespace")
        #expect(routeRefusal { $0.match = RouteMatch(prefix: "/café/") } == nil)
    }

    @Test("CORS: origins without control characters or spaces; methods and header names are tokens")
    func cors() {
        expectRefused(
            routeRefusal { $0.cors = CorsPolicy(allowOrigins: ["https://a.example\r\nx: y"]) },
            field: "route.cors.allow_origins[0]", containing: "U+000D")
        expectRefused(
            routeRefusal { $0.cors = CorsPolicy(allowOrigins: ["*", "https://a .example"]) },
            field: "route.cors.allow_origins[1]", containing: "whitespace")
        expectRefused(
            routeRefusal { $0.cors = CorsPolicy(allowOrigins: ["*"], allowMethods: ["GET", "PO ST"]) },
            field: "route.cors.allow_methods[1]", containing: "invalid method")
        expectRefused(
            routeRefusal { $0.cors = CorsPolicy(allowOrigins: ["*"], allowHeaders: ["x:y"]) },
            field: "route.cors.allow_headers[0]", containing: "invalid header name")
        expectRefused(
            routeRefusal { $0.cors = CorsPolicy(allowOrigins: ["*"], exposeHeaders: [":status"]) },
            field: "route.cors.expose_headers[0]", containing: "invalid header name")
        let fine = CorsPolicy(
            allowOrigins: ["*", "https://a.example:8443"], allowMethods: ["GET", "POST"],
            allowHeaders: ["content-type", "*"], exposeHeaders: ["x-request-id"])
        #expect(routeRefusal { $0.cors = fine } == nil)
    }

    // MARK: Every string field

    /// A route, a service and a proxy with every string field set to a distinct marker.
    static let markedRoute = Route(
        name: "r-name",
        match: RouteMatch(
            prefix: "/prefix", path: "/path", regex: "regex",
            headers: [
                HeaderMatch(name: "h-name", exact: "h-exact", prefix: "h-prefix", regex: "h-regex", present: true)
            ]),
        destination: .weighted([WeightedService(service: "w-service", weight: 100)]),
        retryPolicy: RetryPolicy(retryOn: "retry-on"),
        cors: CorsPolicy(
            allowOrigins: ["origin"], allowMethods: ["method"], allowHeaders: ["a-header"],
            exposeHeaders: ["e-header"]),
        hashPolicy: HashPolicy(header: "hash-header"),
        mirror: RequestMirror(service: "m-service"))
    static let markedService = Service(
        name: "s-name", endpoints: [Endpoint(host: "host", port: 1)], healthCheck: HealthCheck(path: "/hc-path"))
    static let markedProxy = Proxy(id: "p-id", cluster: "p-cluster", host: "p-host")

    /// Every String reachable from `value`, found by reflection.
    static func strings(in value: Any) -> [String] {
        if let string = value as? String { return [string] }
        return Mirror(reflecting: value).children.flatMap { strings(in: $0.value) }
    }

    @Test("textFields lists every string a route, service and proxy holds (a new field must be added there)")
    func textFieldsAreComplete() {
        #expect(Set(Self.markedRoute.textFields.map(\.value)) == Set(Self.strings(in: Self.markedRoute)))
        #expect(Set(Self.markedService.textFields.map(\.value)) == Set(Self.strings(in: Self.markedService)))
        #expect(Set(Self.markedProxy.textFields.map(\.value)) == Set(Self.strings(in: Self.markedProxy)))
        #expect(Self.markedRoute.textFields.count == 16)
    }

    @Test("a control character in any string field of a route, service or proxy is refused, naming that field")
    func controlsEverywhere() {
        for control in ["\n", "\r", "\0", "\u{1B}", "\u{7F}", "\u{80}", "\u{9F}"] {
            for (field, _) in Self.markedRoute.textFields {
                var candidate = Self.markedRoute
                candidate.set(field, suffix: control)
                let error = failure { () throws(ValidationError) in try Validator.check(candidate, at: "route") }
                #expect(error?.field == "route.\(field)", "\(field)")
                #expect(error?.message.hasPrefix("control character") == true, "\(field)")
            }
            for (field, _) in Self.markedService.textFields {
                var candidate = Self.markedService
                candidate.set(field, suffix: control)
                let error = failure { () throws(ValidationError) in try Validator.check(candidate, at: "service") }
                #expect(error?.field == "service.\(field)", "\(field)")
            }
            for (field, _) in Self.markedProxy.textFields {
                var candidate = Self.markedProxy
                candidate.set(field, suffix: control)
                let error = failure { () throws(ValidationError) in try Validator.check(candidate, at: "proxy") }
                #expect(error?.field == "proxy.\(field)", "\(field)")
            }
        }
    }

    @Test("a rollback reason with a line break is refused and appends nothing")
    func rollbackReason() throws {
        let state = try run(.registerService(service("extra")), on: base)
        let error = refusal(.rollback(toVersion: 1, reason: "oops\nforged line", target: base), on: state)
        expectRefused(error, field: "reason", containing: "U+000A")
        #expect(refusal(.rollback(toVersion: 1, reason: "oops", target: base), on: state) == nil)
    }

    @Test("a refused route leaves the state as it was, and the next valid change is taken")
    func refusalChangesNothing() throws {
        #expect(throws: ValidationError.self) {
            let bad = Route(name: "bad", match: RouteMatch(regex: "/(?=a)x"), destination: .service("rest-api"))
            return try Decider.decide(.addRoute(bad), state: base)
        }
        let events = try Decider.decide(.addRoute(route("good", to: "rest-api", prefix: "/good/")), state: base)
        #expect(events.count == 1)
    }

    // MARK: Messages stay short

    @Test("a 1 MB input never makes a message (or field) longer than a few hundred bytes")
    func boundedMessages() throws {
        let huge = String(repeating: "A", count: 1 << 20)
        var errors: [ValidationError?] = [
            serviceRefusal { $0.name = huge },
            serviceRefusal { $0.endpoints = [Endpoint(host: huge, port: 80)] },
            serviceRefusal { $0.healthCheck = HealthCheck(path: huge) },
            routeRefusal { $0.name = huge },
            routeRefusal { $0.destination = .service(huge) },
            routeRefusal { $0.mirror = RequestMirror(service: huge) },
            routeRefusal { $0.match = RouteMatch(prefix: huge) },
            routeRefusal { $0.match = RouteMatch(regex: "/" + String(repeating: "(", count: 8000)) },
            routeRefusal { $0.match = RouteMatch(prefix: "/", headers: [HeaderMatch(name: huge + " ", present: true)]) },
            routeRefusal { $0.retryPolicy = RetryPolicy(retryOn: huge) },
            routeRefusal { $0.hashPolicy = HashPolicy(header: huge + " ") },
            routeRefusal { $0.cors = CorsPolicy(allowOrigins: ["*"], allowMethods: [huge + " "]) },
            refusal(.removeService(name: huge), on: base),
            refusal(.changeRoute(route(huge, to: "rest-api")), on: base),
            refusal(.updateProxy(Proxy(id: huge)), on: base),
            refusal(.registerProxy(Proxy(id: huge))),
            refusal(.registerProxy(Proxy(id: "p", host: huge))),
            refusal(.deregisterProxy(key: ProxyKey(huge)), on: base),
            refusal(.unpinProxy(key: ProxyKey(huge)), on: base),
            refusal(.applyDeclarative(DeclarativeConfig(services: [service(huge), service(huge)]), sourceHash: "h")),
        ]
        errors.append(
            failure { () throws(ValidationError) in _ = try Endpoint(parsing: huge) })
        for (index, error) in errors.enumerated() {
            #expect(error != nil, "case \(index)")
            #expect((error?.message.utf8.count ?? 0) < 400, "case \(index): \(error?.message.utf8.count ?? 0) bytes")
            #expect((error?.field.utf8.count ?? 0) < 200, "case \(index)")
        }
        let name = try #require(errors[0])
        #expect(name.field == "service.name")
        #expect(name.message.hasPrefix("invalid name '\(String(repeating: "A", count: 64))…' (1048576 bytes)"))
    }

    @Test("quote escapes control and invisible characters and cuts after 64 scalars with the size in bytes")
    func quote() {
        #expect(ValidationError.quote("api") == "'api'")
        #expect(ValidationError.quote("a\r\nb\0\u{85}\u{202E}") == "'a\\u{0D}\\u{0A}b\\u{00}\\u{85}\\u{202E}'")
        let long = String(repeating: "é", count: 100)
        #expect(ValidationError.quote(long) == "'\(String(repeating: "é", count: 64))…' (200 bytes)")
        #expect(ValidationError.bare(long) == "\(String(repeating: "é", count: 64))…(200 bytes)")
        // One character of a million combining marks is still cut.
        let zalgo = "a" + String(repeating: "\u{301}", count: 1_000_000)
        #expect(ValidationError.quote(zalgo).utf8.count < 200)
    }
}

/// The error `body` throws, or nil.
func failure(_ body: () throws(ValidationError) -> Void) -> ValidationError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

extension Route {
    /// Appends `suffix` to the string at `field` (a `textFields` path).
    mutating func set(_ field: String, suffix: String) {
        switch field {
        case "name": name += suffix
        case "match.prefix": match.prefix! += suffix
        case "match.path": match.path! += suffix
        case "match.regex": match.regex! += suffix
        case "match.headers[0].name": match.headers[0].name += suffix
        case "match.headers[0].exact": match.headers[0].exact! += suffix
        case "match.headers[0].prefix": match.headers[0].prefix! += suffix
        case "match.headers[0].regex": match.headers[0].regex! += suffix
        case "weighted[0].service":
            destination = .weighted([WeightedService(service: "w-service" + suffix, weight: 100)])
        case "retry_policy.retry_on": retryPolicy!.retryOn += suffix
        case "cors.allow_origins[0]": cors!.allowOrigins[0] += suffix
        case "cors.allow_methods[0]": cors!.allowMethods[0] += suffix
        case "cors.allow_headers[0]": cors!.allowHeaders[0] += suffix
        case "cors.expose_headers[0]": cors!.exposeHeaders[0] += suffix
        case "hash_policy.header": hashPolicy!.header += suffix
        case "mirror.service": mirror!.service += suffix
        default: Issue.record("no setter for \(field)")
        }
    }
}

extension Service {
    mutating func set(_ field: String, suffix: String) {
        switch field {
        case "name": name += suffix
        case "endpoints[0]": endpoints[0].host += suffix
        case "health_check.path": healthCheck!.path += suffix
        default: Issue.record("no setter for \(field)")
        }
    }
}

extension Proxy {
    mutating func set(_ field: String, suffix: String) {
        switch field {
        case "id": id! += suffix
        case "cluster": cluster! += suffix
        case "host": host! += suffix
        default: Issue.record("no setter for \(field)")
        }
    }
}
