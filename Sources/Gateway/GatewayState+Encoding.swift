import Foundation

extension GatewayState {
    /// "LBGS": guards against feeding some other blob to `init(decoding:)`.
    private static let magic: [UInt8] = [0x4C, 0x42, 0x47, 0x53]
    private static let formatVersion: UInt8 = 1
    /// Optional sections after the proxies, each a tag byte then its body, written only when not
    /// empty: a state without them encodes exactly as format 1 always did, and older
    /// checkpoints (which end after the proxies) still decode.
    private static let pinsSection: UInt8 = 1
    private static let rateLimitsSection: UInt8 = 2

    /// Deterministic binary form (everything sorted), for checkpoints.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter(capacity: 256 + 128 * (services.count + routes.count + proxies.count))
        for byte in Self.magic { writer.writeByte(byte) }
        writer.writeByte(Self.formatVersion)
        writer.writeVarUInt(version)
        writer.writeVarUInt(head)
        writer.writeOptionalString(lastDeclarativeHash)
        writer.write(sortedServices)
        let routes = sortedRoutes
        writer.write(routes)
        writer.write(sortedProxies)
        if !pins.isEmpty {
            writer.writeByte(Self.pinsSection)
            writer.writeArray(sortedPins) { writer, pin in
                pin.key.encode(to: &writer)
                writer.writeVarUInt(pin.version)
            }
        }
        if RouteRateLimits.any(in: routes) {
            writer.writeByte(Self.rateLimitsSection)
            RouteRateLimits.write(routes, to: &writer)
        }
        return writer.bytes
    }

    public init(decoding bytes: [UInt8]) throws(PayloadError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(PayloadError) in try GatewayState.decode(buffer) }
        }
        self = try result.get()
    }

    private static func decode(_ buffer: UnsafeRawBufferPointer) throws(PayloadError) -> GatewayState {
        var reader = BinaryReader(buffer)
        for byte in magic where try reader.readByte() != byte {
            throw PayloadError("not a gateway state checkpoint (bad magic)")
        }
        let format = try reader.readByte()
        guard format == formatVersion else { throw PayloadError("unsupported gateway state format \(format)") }
        let version = try reader.readVarUInt()
        let head = try reader.readVarUInt()
        let hash = try reader.readOptionalString()
        // Straight into the dictionaries, sized up front: no intermediate arrays or pairs to copy.
        let serviceCount = try reader.readCount()
        var services = [String: Service](minimumCapacity: serviceCount)
        for _ in 0..<serviceCount {
            let service = try Service.decode(from: &reader)
            let name = service.name
            services[name] = consume service
        }
        let routeCount = try reader.readCount()
        var routes = [String: Route](minimumCapacity: routeCount)
        for _ in 0..<routeCount {
            let route = try Route.decode(from: &reader)
            let name = route.name
            routes[name] = consume route
        }
        let proxyCount = try reader.readCount()
        var proxies = [ProxyKey: Proxy](minimumCapacity: proxyCount)
        for _ in 0..<proxyCount {
            let proxy = try Proxy.decode(from: &reader)
            let key = proxy.key
            proxies[key] = consume proxy
        }
        var pins: [ProxyKey: UInt64] = [:]
        var lastSection: UInt8 = 0
        while !reader.isAtEnd {
            let section = try reader.readByte()
            // Sections come once each, in tag order.
            guard section > lastSection else { throw PayloadError("gateway state section \(section) out of order") }
            lastSection = section
            switch section {
            case pinsSection:
                let pinCount = try reader.readCount()
                pins.reserveCapacity(pinCount)
                for _ in 0..<pinCount {
                    let key = try reader.read(ProxyKey.self)
                    pins[key] = try reader.readVarUInt()
                }
            case rateLimitsSection:
                try RouteRateLimits.read(from: &reader) { name, limit throws(PayloadError) in
                    guard routes[name] != nil, routes[name]!.rateLimit == nil else {
                        throw PayloadError("rate limit for an unknown route, or twice: '\(name)'")
                    }
                    routes[name]!.rateLimit = limit
                }
            default:
                throw PayloadError("unknown gateway state section \(section)")
            }
        }
        try reader.expectEnd()
        return GatewayState(
            services: services,
            routes: routes,
            proxies: proxies,
            version: version,
            head: head,
            lastDeclarativeHash: hash,
            pins: pins
        )
    }

    private struct Document: Encodable {
        var version: UInt64
        var head: UInt64
        var lastDeclarativeHash: String?
        var services: [Service]
        var routes: [Route]
        var proxies: [Proxy]?
        /// Absent when nothing is pinned, so states from before pins existed print as they did.
        var pins: [String: UInt64]?

        enum CodingKeys: String, CodingKey {
            case version, head, services, routes, proxies, pins
            case lastDeclarativeHash = "last_declarative_hash"
        }
    }

    /// Deterministic JSON (sorted keys, resources sorted by name), pretty-printed.
    public func jsonData(includeProxies: Bool = true) -> Data {
        let document = Document(
            version: version,
            head: head,
            lastDeclarativeHash: lastDeclarativeHash,
            services: sortedServices,
            routes: sortedRoutes,
            proxies: includeProxies ? sortedProxies : nil,
            pins: includeProxies && !pins.isEmpty
                ? Dictionary(uniqueKeysWithValues: pins.map { ($0.key.description, $0.value) }) : nil
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types cannot fail; an empty object keeps the signature total.
        return (try? encoder.encode(document)) ?? Data("{}".utf8)
    }
}
