// Each type reads into locals and returns one memberwise-built value from a static `decode`:
// assigning the fields of `self` one by one (or delegating to `self.init`) made the optimizer
// copy and destroy the whole value once per decode. `BinaryCodable` derives `init(from:)` from `decode`.

extension HeaderMatch: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(name)
        writer.writeOptionalString(exact)
        writer.writeOptionalString(prefix)
        writer.writeOptionalString(regex)
        writer.writeOptionalBool(present)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> HeaderMatch {
        let name = try reader.readString()
        let exact = try reader.readOptionalString()
        let prefix = try reader.readOptionalString()
        let regex = try reader.readOptionalString()
        let present = try reader.readOptionalBool()
        return HeaderMatch(name: name, exact: exact, prefix: prefix, regex: regex, present: present)
    }
}

extension RouteMatch: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeOptionalString(prefix)
        writer.writeOptionalString(path)
        writer.writeOptionalString(regex)
        writer.write(headers)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RouteMatch {
        let prefix = try reader.readOptionalString()
        let path = try reader.readOptionalString()
        let regex = try reader.readOptionalString()
        let headers = try reader.readArray(HeaderMatch.self)
        return RouteMatch(prefix: prefix, path: path, regex: regex, headers: headers)
    }
}

extension WeightedService: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(service)
        writer.writeInt(weight)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> WeightedService {
        let service = try reader.readString()
        let weight = try reader.readInt()
        return WeightedService(service: service, weight: weight)
    }
}

extension RouteDestination: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        switch self {
        case .service(let name):
            writer.writeByte(0)
            writer.writeString(name)
        case .weighted(let entries):
            writer.writeByte(1)
            writer.write(entries)
        }
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RouteDestination {
        switch try reader.readByte() {
        case 0: return .service(try reader.readString())
        case 1: return .weighted(try reader.readArray(WeightedService.self))
        case let other: throw PayloadError("unknown route destination tag \(other)")
        }
    }
}

extension RetryPolicy: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(retryOn)
        writer.writeInt(numRetries)
        writer.writeOptionalDuration(perTryTimeout)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RetryPolicy {
        let retryOn = try reader.readString()
        let numRetries = try reader.readInt()
        let perTryTimeout = try reader.readOptionalDuration()
        return RetryPolicy(retryOn: retryOn, numRetries: numRetries, perTryTimeout: perTryTimeout)
    }
}

extension CorsPolicy: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeStrings(allowOrigins)
        writer.writeStrings(allowMethods)
        writer.writeStrings(allowHeaders)
        writer.writeStrings(exposeHeaders)
        writer.writeOptionalDuration(maxAge)
        writer.writeBool(allowCredentials)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> CorsPolicy {
        let allowOrigins = try reader.readStrings()
        let allowMethods = try reader.readStrings()
        let allowHeaders = try reader.readStrings()
        let exposeHeaders = try reader.readStrings()
        let maxAge = try reader.readOptionalDuration()
        let allowCredentials = try reader.readBool()
        return CorsPolicy(
            allowOrigins: allowOrigins, allowMethods: allowMethods, allowHeaders: allowHeaders,
            exposeHeaders: exposeHeaders, maxAge: maxAge, allowCredentials: allowCredentials)
    }
}

extension HashPolicy: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(header)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> HashPolicy {
        HashPolicy(header: try reader.readString())
    }
}

extension RequestMirror: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(service)
        writer.writeInt(percent)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RequestMirror {
        let service = try reader.readString()
        let percent = try reader.readInt()
        return RequestMirror(service: service, percent: percent)
    }
}

extension Route: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(name)
        writer.writeEnum(listener, WireTable.listeners)
        writer.write(match)
        writer.write(destination)
        writer.writeOptionalDuration(timeout)
        writer.write(retryPolicy)
        writer.write(cors)
        writer.write(hashPolicy)
        writer.write(mirror)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> Route {
        let name = try reader.readString()
        let listener = try reader.readListener()
        let match = try RouteMatch.decode(from: &reader)
        let destination = try RouteDestination.decode(from: &reader)
        let timeout = try reader.readOptionalDuration()
        let retryPolicy = try reader.readOptional(RetryPolicy.self)
        let cors = try reader.readOptional(CorsPolicy.self)
        let hashPolicy = try reader.readOptional(HashPolicy.self)
        let mirror = try reader.readOptional(RequestMirror.self)
        return Route(
            name: name, listener: listener, match: match, destination: destination, timeout: timeout,
            retryPolicy: retryPolicy, cors: cors, hashPolicy: hashPolicy, mirror: mirror)
    }
}

extension RateLimit: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt(requests)
        writer.writeDuration(per)
        // Validation keeps a burst at 1 or more, so 0 stands for "none".
        writer.writeInt(burst ?? 0)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RateLimit {
        let requests = try reader.readInt()
        let per = try reader.readDuration()
        let burst = try reader.readInt()
        return RateLimit(requests: requests, per: per, burst: burst == 0 ? nil : burst)
    }
}

/// Rate limits came after the first release's binary route layout, which `Route.encode` keeps.
/// They travel in a section after the routes that carry them, written only when some route has
/// one: payloads and checkpoints without rate limits keep their bytes, and older ones still decode.
enum RouteRateLimits {
    static func any(in routes: some Collection<Route>) -> Bool {
        routes.contains { $0.rateLimit != nil }
    }

    /// (route name, limit) for each route that has one, in the routes' order.
    static func write(_ routes: some Collection<Route>, to writer: inout BinaryWriter) {
        let limited = routes.compactMap { route in route.rateLimit.map { (route.name, $0) } }
        writer.writeArray(limited) { writer, entry in
            writer.writeString(entry.0)
            writer.write(entry.1)
        }
    }

    /// Reads a section `write` wrote and hands each limit to `assign` with its route's name.
    static func read(
        from reader: inout BinaryReader,
        assign: (String, RateLimit) throws(PayloadError) -> Void
    ) throws(PayloadError) {
        let count = try reader.readCount()
        // `write` is called only when some route has a limit: an empty section is not ours.
        guard count > 0 else { throw PayloadError("empty rate limit section") }
        for _ in 0..<count {
            let name = try reader.readString()
            try assign(name, try RateLimit.decode(from: &reader))
        }
    }
}

/// A RouteAdded or RouteChanged payload: the route, then its rate limit when it has one.
struct RouteEvent: BinaryCodable, Encodable {
    var route: Route

    init(_ route: Route) { self.route = route }

    func encode(to writer: inout BinaryWriter) {
        writer.write(route)
        if let rateLimit = route.rateLimit { writer.write(rateLimit) }
    }

    static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RouteEvent {
        var route = try Route.decode(from: &reader)
        if !reader.isAtEnd { route.rateLimit = try RateLimit.decode(from: &reader) }
        return RouteEvent(route)
    }

    /// The JSON is the route's own.
    func encode(to encoder: Encoder) throws { try route.encode(to: encoder) }
}
