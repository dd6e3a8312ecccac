// See Route+Binary.swift: values are decoded by a static `decode` returning one memberwise-built value.

extension Endpoint: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(host)
        writer.writeInt(port)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        self = try Self.decode(from: &reader)
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        self = try Self.decode(from: &reader)
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        maxConnections = try reader.readInt()
        maxPendingRequests = try reader.readInt()
        maxRequests = try reader.readInt()
        maxRetries = try reader.readInt()
    }
}

extension OutlierDetection: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt(consecutive5xx)
        writer.writeDuration(interval)
        writer.writeDuration(baseEjectionTime)
        writer.writeInt(maxEjectionPercent)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        consecutive5xx = try reader.readInt()
        interval = try reader.readDuration()
        baseEjectionTime = try reader.readDuration()
        maxEjectionPercent = try reader.readInt()
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        self = try Self.decode(from: &reader)
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
