import Foundation

/// Checks resources and whole states; the first problem found (in name order) is thrown.
enum Validator {
    // MARK: Names and hosts

    /// [a-z0-9-], 1..63 characters, starting and ending alphanumeric; `extra` widens the middle alphabet.
    static func isValidName(_ name: String, extra: Set<UInt8> = []) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard isAlphanumeric(bytes[0]), isAlphanumeric(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2D || extra.contains($0) }
    }

    static let nodeNameExtras: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "_")]

    static func checkName(_ name: String, at field: String, node: Bool = false) throws(ValidationError) {
        guard isValidName(name, extra: node ? nodeNameExtras : []) else {
            let alphabet = node ? "[a-z0-9-._]" : "[a-z0-9-]"
            throw .invalid(
                field,
                "invalid name '\(name)': use \(alphabet), 1 to 63 characters, "
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
        try checkName(service.name, at: "\(path).name")
        if service.endpoints.isEmpty {
            throw .invalid("\(path).endpoints", "a service needs at least one endpoint")
        }
        var seen: Set<Endpoint> = []
        for (index, endpoint) in service.endpoints.enumerated() {
            let field = "\(path).endpoints[\(index)]"
            guard isValidHost(endpoint.host) else {
                throw .invalid(
                    field, "invalid host '\(endpoint.host)': expected an IPv4 address, IPv6 address or DNS name")
            }
            try checkPort(endpoint.port, at: field)
            guard seen.insert(endpoint).inserted else {
                throw ValidationError(code: .duplicate, field: field, message: "endpoint \(endpoint) is listed twice")
            }
        }
        try checkRange(service.connectTimeout, oneMillisecond...oneMinute, at: "\(path).connect_timeout")
        if let check = service.healthCheck {
            let field = "\(path).health_check"
            guard check.path.hasPrefix("/") else { throw .invalid("\(field).path", "path must start with '/'") }
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

    /// Envoy compiles RE2, not ICU; NSRegularExpression is the closest check available without a C library.
    static func checkRegex(_ pattern: String, at field: String) throws(ValidationError) {
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            throw .invalid(field, "invalid regular expression '\(pattern)'")
        }
    }

    static func check(_ route: Route, at path: String) throws(ValidationError) {
        try checkName(route.name, at: "\(path).name")
        try check(route.match, at: "\(path).match")
        switch route.destination {
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
                        message: "service '\(entry.service)' appears twice in one weighted destination"
                    )
                }
            }
            let total = entries.reduce(0) { $0 + $1.weight }
            if total != 100 { throw .invalid(field, "weights sum to \(total), expected exactly 100") }
        }
        if let timeout = route.timeout {
            try checkRange(timeout, 0...oneHour, at: "\(path).timeout")
        }
        if let retry = route.retryPolicy {
            let field = "\(path).retry_policy"
            let tokens = retry.retryOn.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            for token in tokens where !retryOnTokens.contains(token) {
                throw .invalid(
                    "\(field).retry_on",
                    "unknown retry_on condition '\(token)'; expected any of "
                        + retryOnTokens.sorted().joined(separator: ", ")
                )
            }
            try checkRange(retry.numRetries, 0...10, at: "\(field).num_retries")
            if let perTry = retry.perTryTimeout {
                try checkRange(perTry, oneMillisecond...oneHour, at: "\(field).per_try_timeout")
            }
        }
        if let cors = route.cors {
            if cors.allowOrigins.isEmpty {
                throw .invalid("\(path).cors.allow_origins", "allow_origins needs at least one origin")
            }
            for (index, origin) in cors.allowOrigins.enumerated() where origin.isEmpty {
                throw .invalid("\(path).cors.allow_origins[\(index)]", "origin is empty")
            }
            if let maxAge = cors.maxAge, maxAge.milliseconds < 0 {
                throw .invalid("\(path).cors.max_age", "max_age must not be negative")
            }
        }
        if let hash = route.hashPolicy, hash.header.isEmpty {
            throw .invalid("\(path).hash_policy.header", "header name is empty")
        }
        if let mirror = route.mirror {
            if mirror.service.isEmpty { throw .invalid("\(path).mirror.service", "service name is empty") }
            try checkRange(mirror.percent, 0...100, at: "\(path).mirror.percent")
        }
        if let limit = route.rateLimit {
            try checkRange(limit.requests, 1...1_000_000, at: "\(path).rate_limit.requests")
            // Envoy refuses a token bucket that refills more often than every 50 ms.
            try checkRange(limit.per, 50...oneHour, at: "\(path).rate_limit.per")
            // A bucket smaller than one refill would never admit `requests` in an interval.
            if let burst = limit.burst {
                try checkRange(burst, limit.requests...1_000_000, at: "\(path).rate_limit.burst")
            }
        }
    }

    static func check(_ match: RouteMatch, at path: String) throws(ValidationError) {
        let chosen = [match.prefix, match.path, match.regex].compactMap { $0 }.count
        guard chosen == 1 else {
            throw .invalid(path, "set exactly one of prefix, path or regex (found \(chosen))")
        }
        if let prefix = match.prefix, !prefix.hasPrefix("/") {
            throw .invalid("\(path).prefix", "prefix '\(prefix)' must start with '/'")
        }
        if let exactPath = match.path, !exactPath.hasPrefix("/") {
            throw .invalid("\(path).path", "path '\(exactPath)' must start with '/'")
        }
        if let regex = match.regex { try checkRegex(regex, at: "\(path).regex") }
        for (index, header) in match.headers.enumerated() {
            let field = "\(path).headers[\(index)]"
            // A leading ':' is allowed for pseudo-headers such as :authority.
            if header.name.isEmpty || header.name.dropFirst().contains(":")
                || header.name.contains(where: \.isWhitespace)
            {
                throw .invalid("\(field).name", "invalid header name '\(header.name)'")
            }
            let kinds = [header.exact != nil, header.prefix != nil, header.regex != nil, header.present != nil]
            guard kinds.filter({ $0 }).count == 1 else {
                throw .invalid(field, "set exactly one of exact, prefix, regex or present")
            }
            if let regex = header.regex { try checkRegex(regex, at: "\(field).regex") }
        }
    }

    // MARK: Proxies

    static func check(_ proxy: Proxy, at path: String) throws(ValidationError) {
        switch (proxy.id, proxy.cluster) {
        case (let id?, nil): try checkName(id, at: "\(path).id", node: true)
        case (nil, let cluster?): try checkName(cluster, at: "\(path).cluster", node: true)
        default: throw .invalid(path, "set exactly one of id (a proxy) or cluster (a fleet)")
        }
        if let host = proxy.host, !isValidHost(host) {
            throw .invalid("\(path).host", "invalid host '\(host)': expected an IPv4 address, IPv6 address or DNS name")
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
                    message: "service '\(name)' is still used by route '\(route.name)'"
                )
            }
            throw .invalid(field, "unknown service '\(name)'")
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
