import Foundation

extension GatewayState {
    /// "LBGS": guards against feeding some other blob to `init(decoding:)`.
    private static let magic: [UInt8] = [0x4C, 0x42, 0x47, 0x53]
    /// Checkpoints are disposable, so their layout changes by a new format tag, never by
    /// optional sections: a checkpoint of another format does not decode, and `Projection`
    /// folds from an earlier one (or from the start) instead. Format 1 kept pins and rate limits
    /// in sections after the proxies; format 2 has both in the normal path (the rate limit is a
    /// field of `Route`'s layout).
    static let formatVersion: UInt8 = 2

    /// Deterministic binary form (everything sorted), for checkpoints.
    public func encoded() -> [UInt8] {
        var writer = BinaryWriter(capacity: 256 + 128 * (services.count + routes.count + proxies.count))
        for byte in Self.magic { writer.writeByte(byte) }
        writer.writeByte(Self.formatVersion)
        writer.writeVarUInt(version)
        writer.writeVarUInt(head)
        writer.writeOptionalString(lastDeclarativeHash)
        writer.write(sortedServices)
        writer.write(sortedRoutes)
        writer.write(sortedProxies)
        writer.writeArray(sortedPins) { writer, pin in
            pin.key.encode(to: &writer)
            writer.writeVarUInt(pin.version)
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
        guard format == formatVersion else {
            throw PayloadError("gateway state format \(format), not \(formatVersion): written by another build")
        }
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
        let pinCount = try reader.readCount()
        var pins: [ProxyKey: UInt64] = [:]
        pins.reserveCapacity(pinCount)
        for _ in 0..<pinCount {
            let key = try reader.read(ProxyKey.self)
            pins[key] = try reader.readVarUInt()
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
