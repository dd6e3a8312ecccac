extension Endpoint: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(host)
        writer.writeInt(port)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        host = try reader.readString()
        port = try reader.readInt()
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
        path = try reader.readString()
        interval = try reader.readDuration()
        timeout = try reader.readDuration()
        healthyThreshold = try reader.readInt()
        unhealthyThreshold = try reader.readInt()
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
        name = try reader.readString()
        `protocol` = try reader.readEnum(WireTable.serviceProtocols, "protocol")
        endpoints = try reader.readArray(Endpoint.self)
        lbPolicy = try reader.readEnum(WireTable.lbPolicies, "lb_policy")
        connectTimeout = try reader.readDuration()
        healthCheck = try reader.readOptional(HealthCheck.self)
        circuitBreakers = try reader.readOptional(CircuitBreakers.self)
        outlierDetection = try reader.readOptional(OutlierDetection.self)
    }
}
