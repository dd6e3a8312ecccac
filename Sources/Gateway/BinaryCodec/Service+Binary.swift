// See Route+Binary.swift: values are decoded by a static `decode` returning one memberwise-built value.

extension Endpoint: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(host)
        writer.writeInt(port)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> Endpoint {
        let host = try reader.readString()
        let port = try reader.readInt()
        return Endpoint(host: host, port: port)
    }
}

extension HealthCheck: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(path)
        writer.writeDuration(interval)
        writer.writeDuration(timeout)
        writer.writeInt(healthyThreshold)
        writer.writeInt(unhealthyThreshold)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> HealthCheck {
        let path = try reader.readString()
        let interval = try reader.readDuration()
        let timeout = try reader.readDuration()
        let healthyThreshold = try reader.readInt()
        let unhealthyThreshold = try reader.readInt()
        return HealthCheck(
            path: path, interval: interval, timeout: timeout, healthyThreshold: healthyThreshold,
            unhealthyThreshold: unhealthyThreshold)
    }
}

extension CircuitBreakers: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt(maxConnections)
        writer.writeInt(maxPendingRequests)
        writer.writeInt(maxRequests)
        writer.writeInt(maxRetries)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> CircuitBreakers {
        let maxConnections = try reader.readInt()
        let maxPendingRequests = try reader.readInt()
        let maxRequests = try reader.readInt()
        let maxRetries = try reader.readInt()
        return CircuitBreakers(
            maxConnections: maxConnections, maxPendingRequests: maxPendingRequests, maxRequests: maxRequests,
            maxRetries: maxRetries)
    }
}

extension OutlierDetection: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt(consecutive5xx)
        writer.writeDuration(interval)
        writer.writeDuration(baseEjectionTime)
        writer.writeInt(maxEjectionPercent)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> OutlierDetection {
        let consecutive5xx = try reader.readInt()
        let interval = try reader.readDuration()
        let baseEjectionTime = try reader.readDuration()
        let maxEjectionPercent = try reader.readInt()
        return OutlierDetection(
            consecutive5xx: consecutive5xx, interval: interval, baseEjectionTime: baseEjectionTime,
            maxEjectionPercent: maxEjectionPercent)
    }
}

extension Service: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(name)
        writer.writeEnum(`protocol`, WireTable.serviceProtocols)
        writer.write(endpoints)
        writer.writeEnum(lbPolicy, WireTable.lbPolicies)
        writer.writeDuration(connectTimeout)
        writer.write(healthCheck)
        writer.write(circuitBreakers)
        writer.write(outlierDetection)
    }

    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> Service {
        let name = try reader.readString()
        let serviceProtocol = try reader.readServiceProtocol()
        let endpoints = try reader.readArray(Endpoint.self)
        let lbPolicy = try reader.readLBPolicy()
        let connectTimeout = try reader.readDuration()
        let healthCheck = try reader.readOptional(HealthCheck.self)
        let circuitBreakers = try reader.readOptional(CircuitBreakers.self)
        let outlierDetection = try reader.readOptional(OutlierDetection.self)
        return Service(
            name: name, protocol: serviceProtocol, endpoints: endpoints, lbPolicy: lbPolicy,
            connectTimeout: connectTimeout, healthCheck: healthCheck, circuitBreakers: circuitBreakers,
            outlierDetection: outlierDetection)
    }
}
