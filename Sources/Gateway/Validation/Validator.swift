import Foundation

/// Checks resources and whole states; the first problem found (in name order) is thrown.
enum Validator {
    // MARK: Names and hosts

    /// [A-Za-z0-9_.-], 1..63 characters, starting and ending with a letter or digit: the seed's own
    /// cluster names (`rest_service`) pass, as Envoy's cluster and route names allow, and
    /// `/`, spaces and control characters (which break entity keys and log lines) do not.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
        }
        guard isAlphanumeric(bytes[0]), isAlphanumeric(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || nameSymbols.contains($0) }
    }

    static let nameSymbols: Set<UInt8> = [UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_")]

    static func checkName(_ name: String, at field: String) throws(ValidationError) {
        guard isValidName(name) else {
            throw .invalid(
                field,
                "invalid name \(ValidationError.quote(name)): use [A-Za-z0-9_.-], 1 to 63 characters, "
                    + "starting and ending with a letter or digit"
            )
        }
    }

    static func isIPv4(_ host: Substring) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part), value <= 255
            else { return false }
            return part.count == 1 || part.first != "0"
        }
    }

    static func isIPv6(_ host: String) -> Bool {
        var text = Substring(host)
        var maxGroups = 8
        // An embedded IPv4 tail (::ffff:1.2.3.4) takes the room of two groups.
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(text[text.index(after: lastColon)...]) else { return false }
            text = text[...lastColon]
            if !text.hasSuffix("::") { text = text.dropLast() }
            maxGroups = 6
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ half: String) -> [Substring]? {
            if half.isEmpty { return [] }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for part in parts where !(1...4).contains(part.count) || !part.allSatisfy(\.isHexDigit) { return nil }
            return parts
        }
        guard let first = groups(halves[0]) else { return false }
        if halves.count == 1 { return first.count == maxGroups }
        guard let second = groups(halves[1]) else { return false }
        return first.count + second.count < maxGroups
    }

    static func isDNSName(_ host: String) -> Bool {
        guard (1...253).contains(host.utf8.count) else { return false }
        // All-numeric dotted names are IPv4 attempts, not DNS names.
        if host.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    static func isValidHost(_ host: String) -> Bool {
        host.contains(":") ? isIPv6(host) : (isIPv4(Substring(host)) || isDNSName(host))
    }

    static func checkPort(_ port: Int, at field: String) throws(ValidationError) {
        guard (1...65535).contains(port) else { throw .invalid(field, "port \(port) out of range 1..65535") }
    }

    // MARK: Text

    /// C0 controls, DEL and C1 controls: they mean nothing in any field, can break Envoy's
    /// configuration or a header, and would forge lines where the log is printed.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func checkNoControls(_ text: String, at field: String) throws(ValidationError) {
        var offset = 0
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw .invalid(
                    field,
                    "control character U+\(String(repeating: "0", count: 4 - code.count) + code) at byte \(offset) "
                        + "is not allowed")
            }
            offset += scalar.utf8.count
        }
    }

    /// Checks every string of a resource (`textFields`) for control characters.
    static func checkNoControls(_ fields: [(field: String, value: String)], at path: String) throws(ValidationError) {
        for (field, value) in fields { try checkNoControls(value, at: "\(path).\(field)") }
    }

    static let tokenSymbols: Set<UInt8> = Set("!#$%&'*+-.^_`|~".utf8)

    /// RFC 9110 tchar: what a header name (a token) is made of.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: tokenSymbols.contains(byte)
        }
    }

    static func isToken(_ text: some StringProtocol) -> Bool { !text.isEmpty && text.utf8.allSatisfy(isTokenByte) }

    /// A header name is an RFC 9110 token; `pseudo` also takes a pseudo-header such as `:authority`.
    static func checkHeaderName(_ name: String, at field: String, pseudo: Bool = true) throws(ValidationError) {
        let token = pseudo && name.hasPrefix(":") ? name.dropFirst() : Substring(name)
        guard isToken(token) else {
            throw .invalid(
                field,
                "invalid header name \(ValidationError.quote(name)): a header name is a token of letters, digits "
                    + "and !#$%&'*+-.^_`|~" + (pseudo ? " (or ':' and a token, a pseudo-header)" : ""))
        }
    }

    /// A path Envoy matches or sends: starts with '/', and has no whitespace (a request target has none).
    static func checkRequestPath(_ path: String, what: String, at field: String) throws(ValidationError) {
        guard path.hasPrefix("/") else {
            throw .invalid(field, "\(what) \(ValidationError.quote(path)) must start with '/'")
        }
        if path.unicodeScalars.contains(where: \.properties.isWhitespace) {
            throw .invalid(field, "\(what) \(ValidationError.quote(path)) must not contain whitespace")
        }
    }

    // MARK: Numbers

    static func checkRange(
        _ duration: ConfigDuration,
        _ range: ClosedRange<Int64>,
        at field: String
    ) throws(ValidationError) {
        guard range.contains(duration.milliseconds) else {
            let low = ConfigDuration(milliseconds: range.lowerBound)
            let high = ConfigDuration(milliseconds: range.upperBound)
            throw .invalid(field, "duration \(duration) out of range \(low)..\(high)")
        }
    }

    static func checkRange(_ value: Int, _ range: ClosedRange<Int>, at field: String) throws(ValidationError) {
        guard range.contains(value) else {
            throw .invalid(field, "\(value) out of range \(range.lowerBound)..\(range.upperBound)")
        }
    }

    static let oneMillisecond: Int64 = 1
    static let oneMinute: Int64 = 60_000
    static let oneHour: Int64 = 3_600_000

    // MARK: Services

    static func check(_ service: Service, at path: String) throws(ValidationError) {
        try checkNoControls(service.textFields, at: path)
        try checkName(service.name, at: "\(path).name")
        if service.endpoints.isEmpty {
            throw .invalid("\(path).endpoints", "a service needs at least one endpoint")
        }
        var seen: Set<Endpoint> = []
        for (index, endpoint) in service.endpoints.enumerated() {
            let field = "\(path).endpoints[\(index)]"
            guard isValidHost(endpoint.host) else {
                throw .invalid(
                    field,
                    "invalid host \(ValidationError.quote(endpoint.host)): expected an IPv4 address, IPv6 address "
                        + "or DNS name")
            }
            try checkPort(endpoint.port, at: field)
            guard seen.insert(endpoint).inserted else {
                throw ValidationError(code: .duplicate, field: field, message: "endpoint \(endpoint) is listed twice")
            }
        }
        try checkRange(service.connectTimeout, oneMillisecond...oneMinute, at: "\(path).connect_timeout")
        if let check = service.healthCheck {
            let field = "\(path).health_check"
            try checkRequestPath(check.path, what: "path", at: "\(field).path")
            try checkRange(check.interval, oneMillisecond...oneHour, at: "\(field).interval")
            try checkRange(check.timeout, oneMillisecond...oneHour, at: "\(field).timeout")
            try checkRange(check.healthyThreshold, 1...Int(Int32.max), at: "\(field).healthy_threshold")
            try checkRange(check.unhealthyThreshold, 1...Int(Int32.max), at: "\(field).unhealthy_threshold")
        }
        if let breakers = service.circuitBreakers {
            let field = "\(path).circuit_breakers"
            let limit = 1_000_000_000
            try checkRange(breakers.maxConnections, 1...limit, at: "\(field).max_connections")
            try checkRange(breakers.maxPendingRequests, 1...limit, at: "\(field).max_pending_requests")
            try checkRange(breakers.maxRequests, 1...limit, at: "\(field).max_requests")
            try checkRange(breakers.maxRetries, 0...limit, at: "\(field).max_retries")
        }
        if let outlier = service.outlierDetection {
            let field = "\(path).outlier_detection"
            try checkRange(outlier.consecutive5xx, 1...Int(Int32.max), at: "\(field).consecutive_5xx")
            try checkRange(outlier.interval, oneMillisecond...oneHour, at: "\(field).interval")
            try checkRange(outlier.baseEjectionTime, oneMillisecond...oneHour, at: "\(field).base_ejection_time")
            try checkRange(outlier.maxEjectionPercent, 0...100, at: "\(field).max_ejection_percent")
        }
    }

    // MARK: Routes

    /// Envoy's retry_on tokens for HTTP and gRPC routes.
    static let retryOnTokens: Set<String> = [
        "5xx", "gateway-error", "reset", "connect-failure", "envoy-ratelimited", "retriable-4xx",
        "refused-stream", "retriable-status-codes", "retriable-headers", "http3-post-connect-failure",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    ]

    /// Compiles the regex as Envoy will (RE2, `RegexCheck`): RE2's syntax (no lookaround, no
    /// backreferences, no possessive or atomic groups) and Envoy's program size limit.
    static func checkRegex(_ pattern: String, at field: String) throws(ValidationError) {
        // Envoy's RegexMatcher.regex has min_len 1: an empty one is NACKed.
        guard !pattern.isEmpty else { throw .invalid(field, "a regular expression must not be empty") }
        let bytes = pattern.utf8.count
        guard bytes <= RegexCheck.maxPatternBytes else {
            throw .invalid(
                field, "regular expression of \(bytes) bytes is longer than \(RegexCheck.maxPatternBytes) bytes")
        }
        switch RegexCheck.compile(pattern) {
        case .invalid(let description, let argument):
            throw .invalid(
                field,
                "invalid regular expression \(ValidationError.quote(pattern)): RE2 says \(description) "
                    + "\(ValidationError.quote(argument))")
        case .compiled(let size) where size > RegexCheck.maxProgramSize:
            throw .invalid(
                field,
                "regular expression \(ValidationError.quote(pattern)) is too complex for Envoy: its RE2 program "
                    + "size is \(size), above Envoy's limit of \(RegexCheck.maxProgramSize) "
                    + "(re2.max_program_size.error_level)")
        case .compiled: break
        }
    }

    static func check(_ route: Route, at path: String) throws(ValidationError) {
        try checkNoControls(route.textFields, at: path)
        try checkName(route.name, at: "\(path).name")
        try check(route.match, at: "\(path).match")
        // The destination's fields (`service`, `weighted`) sit on the route itself.
        try check(route.destination, at: path)
        if let timeout = route.timeout { try checkRange(timeout, 0...oneHour, at: "\(path).timeout") }
        if let retry = route.retryPolicy { try check(retry, at: "\(path).retry_policy") }
        if let cors = route.cors { try check(cors, at: "\(path).cors") }
        if let hash = route.hashPolicy { try check(hash, at: "\(path).hash_policy") }
        if let mirror = route.mirror { try check(mirror, at: "\(path).mirror") }
        if let limit = route.rateLimit { try check(limit, at: "\(path).rate_limit") }
    }

    /// `path` is the route's: a destination is its `service` or its `weighted` list.
    static func check(_ destination: RouteDestination, at path: String) throws(ValidationError) {
        switch destination {
        case .service(let name):
            if name.isEmpty { throw .invalid("\(path).service", "service name is empty") }
        case .weighted(let entries):
            let field = "\(path).weighted"
            if entries.isEmpty { throw .invalid(field, "a weighted destination needs at least one service") }
            var seen: Set<String> = []
            for (index, entry) in entries.enumerated() {
                try checkRange(entry.weight, 0...100, at: "\(field)[\(index)].weight")
                guard seen.insert(entry.service).inserted else {
                    throw ValidationError(
                        code: .duplicate,
                        field: "\(field)[\(index)].service",
                        message:
                            "service \(ValidationError.quote(entry.service)) appears twice in one weighted destination"
                    )
                }
            }
            let total = entries.reduce(0) { $0 + $1.weight }
            if total != 100 { throw .invalid(field, "weights sum to \(total), expected exactly 100") }
        }
    }

    static func check(_ retry: RetryPolicy, at path: String) throws(ValidationError) {
        let tokens = retry.retryOn.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        for token in tokens where !retryOnTokens.contains(token) {
            throw .invalid(
                "\(path).retry_on",
                "unknown retry_on condition \(ValidationError.quote(token)); expected any of "
                    + retryOnTokens.sorted().joined(separator: ", ")
            )
        }
        try checkRange(retry.numRetries, 0...10, at: "\(path).num_retries")
        if let perTry = retry.perTryTimeout {
            try checkRange(perTry, oneMillisecond...oneHour, at: "\(path).per_try_timeout")
        }
    }

    static func check(_ cors: CorsPolicy, at path: String) throws(ValidationError) {
        if cors.allowOrigins.isEmpty {
            throw .invalid("\(path).allow_origins", "allow_origins needs at least one origin")
        }
        for (index, origin) in cors.allowOrigins.enumerated() {
            let field = "\(path).allow_origins[\(index)]"
            if origin.isEmpty { throw .invalid(field, "origin is empty") }
            if origin.unicodeScalars.contains(where: \.properties.isWhitespace) {
                throw .invalid(field, "origin \(ValidationError.quote(origin)) must not contain whitespace")
            }
        }
        for (index, method) in cors.allowMethods.enumerated() where !isToken(method) {
            throw .invalid(
                "\(path).allow_methods[\(index)]",
                "invalid method \(ValidationError.quote(method)): a method is a token such as GET")
        }
        for (index, header) in cors.allowHeaders.enumerated() {
            try checkHeaderName(header, at: "\(path).allow_headers[\(index)]", pseudo: false)
        }
        for (index, header) in cors.exposeHeaders.enumerated() {
            try checkHeaderName(header, at: "\(path).expose_headers[\(index)]", pseudo: false)
        }
        if let maxAge = cors.maxAge, maxAge.milliseconds < 0 {
            throw .invalid("\(path).max_age", "max_age must not be negative")
        }
    }

    static func check(_ hash: HashPolicy, at path: String) throws(ValidationError) {
        if hash.header.isEmpty { throw .invalid("\(path).header", "header name is empty") }
        try checkHeaderName(hash.header, at: "\(path).header")
    }

    static func check(_ mirror: RequestMirror, at path: String) throws(ValidationError) {
        if mirror.service.isEmpty { throw .invalid("\(path).service", "service name is empty") }
        try checkRange(mirror.percent, 0...100, at: "\(path).percent")
    }

    static func check(_ limit: RateLimit, at path: String) throws(ValidationError) {
        try checkRange(limit.requests, 1...1_000_000, at: "\(path).requests")
        // Envoy refuses a token bucket that refills more often than every 50 ms.
        try checkRange(limit.per, 50...oneHour, at: "\(path).per")
        // A bucket smaller than one refill would never admit `requests` in an interval.
        if let burst = limit.burst {
            try checkRange(burst, limit.requests...1_000_000, at: "\(path).burst")
        }
    }

    static func check(_ match: RouteMatch, at path: String) throws(ValidationError) {
        let chosen = [match.prefix, match.path, match.regex].compactMap { $0 }.count
        guard chosen == 1 else {
            throw .invalid(path, "set exactly one of prefix, path or regex (found \(chosen))")
        }
        if let prefix = match.prefix { try checkRequestPath(prefix, what: "prefix", at: "\(path).prefix") }
        if let exactPath = match.path { try checkRequestPath(exactPath, what: "path", at: "\(path).path") }
        if let regex = match.regex { try checkRegex(regex, at: "\(path).regex") }
        for (index, header) in match.headers.enumerated() {
            let field = "\(path).headers[\(index)]"
            // A leading ':' is allowed for pseudo-headers such as :authority.
            try checkHeaderName(header.name, at: "\(field).name")
            let kinds = [header.exact != nil, header.prefix != nil, header.regex != nil, header.present != nil]
            guard kinds.filter({ $0 }).count == 1 else {
                throw .invalid(field, "set exactly one of exact, prefix, regex or present")
            }
            if let regex = header.regex { try checkRegex(regex, at: "\(field).regex") }
        }
    }

    // MARK: Proxies

    static func check(_ proxy: Proxy, at path: String) throws(ValidationError) {
        try checkNoControls(proxy.textFields, at: path)
        switch (proxy.id, proxy.cluster) {
        case (let id?, nil): try checkName(id, at: "\(path).id")
        case (nil, let cluster?): try checkName(cluster, at: "\(path).cluster")
        default: throw .invalid(path, "set exactly one of id (a proxy) or cluster (a fleet)")
        }
        if let host = proxy.host, !isValidHost(host) {
            throw .invalid(
                "\(path).host",
                "invalid host \(ValidationError.quote(host)): expected an IPv4 address, IPv6 address or DNS name")
        }
        var seen: [Int: String] = [:]
        for (field, port) in proxy.declaredPorts {
            try checkPort(port, at: "\(path).\(field)")
            if let other = seen[port] {
                throw .invalid("\(path).\(field)", "port \(port) is already used by \(other)")
            }
            seen[port] = field
        }
    }

    // MARK: Whole states

    /// Every route's services exist; a service that `previous` had and `state` lost is reported as in use.
    static func checkReferences(in state: GatewayState, previous: GatewayState) throws(ValidationError) {
        for route in state.sortedRoutes {
            try checkReferences(of: route, services: state.services, previous: previous, at: "routes[\(route.name)]")
        }
    }

    static func checkReferences(
        of route: Route,
        services: [String: Service],
        previous: GatewayState,
        at path: String
    ) throws(ValidationError) {
        var references: [(field: String, service: String)] = []
        switch route.destination {
        case .service(let name): references.append(("\(path).service", name))
        case .weighted(let entries):
            for (index, entry) in entries.enumerated() {
                references.append(("\(path).weighted[\(index)].service", entry.service))
            }
        }
        if let mirror = route.mirror { references.append(("\(path).mirror.service", mirror.service)) }
        for (field, name) in references where services[name] == nil {
            if previous.services[name] != nil, previous.routes[route.name] != nil {
                throw ValidationError(
                    code: .inUse,
                    field: "services[\(name)]",
                    message: "service '\(name)' is still used by route \(ValidationError.quote(route.name))"
                )
            }
            throw .invalid(field, "unknown service \(ValidationError.quote(name))")
        }
    }

    /// Two proxies on the same host cannot listen on the same port.
    static func checkPortCollisions(_ proxies: [Proxy]) throws(ValidationError) {
        var owners: [String: (proxy: Proxy, field: String)] = [:]
        for proxy in proxies.sorted(by: { $0.key < $1.key }) {
            guard let host = proxy.host else { continue }
            for (field, port) in proxy.declaredPorts {
                let slot = "\(host):\(port)"
                if let owner = owners[slot], owner.proxy.key != proxy.key {
                    throw ValidationError(
                        code: .conflict,
                        field: "proxies[\(proxy.key)].\(field)",
                        message: "port \(port) on host \(host) is used by both \(owner.proxy.entity) "
                            + "(\(owner.field)) and \(proxy.entity) (\(field))"
                    )
                }
                owners[slot] = (proxy, field)
            }
        }
    }

    static func checkState(_ state: GatewayState, previous: GatewayState) throws(ValidationError) {
        try checkReferences(in: state, previous: previous)
        try checkPortCollisions(state.sortedProxies)
    }
}
