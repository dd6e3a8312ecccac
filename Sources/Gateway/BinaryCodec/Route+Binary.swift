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
    /// The layout of schema 3 (RouteAdded, RouteChanged, ConfigRolledBack) and checkpoint format 2:
    /// the fields of the first release, then the rate limit as an optional like any other.
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
        writer.write(rateLimit)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> Route {
        try decode(from: &reader, withRateLimit: true)
    }

    /// The schema-2 layout (no rate limit field) is the current one without its last field, so
    /// `Upcaster` reads it here rather than through a copy of this function.
    @inline(__always)
    static func decode(from reader: inout BinaryReader, withRateLimit: Bool) throws(PayloadError) -> Route {
        let name = try reader.readString()
        let listener = try reader.readListener()
        let match = try RouteMatch.decode(from: &reader)
        let destination = try RouteDestination.decode(from: &reader)
        let timeout = try reader.readOptionalDuration()
        let retryPolicy = try reader.readOptional(RetryPolicy.self)
        let cors = try reader.readOptional(CorsPolicy.self)
        let hashPolicy = try reader.readOptional(HashPolicy.self)
        let mirror = try reader.readOptional(RequestMirror.self)
        let rateLimit = withRateLimit ? try reader.readOptional(RateLimit.self) : nil
        return Route(
            name: name, listener: listener, match: match, destination: destination, timeout: timeout,
            retryPolicy: retryPolicy, cors: cors, hashPolicy: hashPolicy, mirror: mirror, rateLimit: rateLimit)
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

/// The payload of RouteAdded and RouteChanged (schema 3): the route, in `Route`'s own layout.
/// Schema 2 is read by `Upcaster.routeSchema2`.
struct RouteEvent: BinaryCodable, Encodable {
    var route: Route

    init(_ route: Route) { self.route = route }

    func encode(to writer: inout BinaryWriter) { writer.write(route) }

    static func decode(from reader: inout BinaryReader) throws(PayloadError) -> RouteEvent {
        RouteEvent(try Route.decode(from: &reader))
    }

    /// The JSON is the route's own.
    func encode(to encoder: Encoder) throws { try route.encode(to: encoder) }
}
