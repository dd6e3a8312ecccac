extension HeaderMatch: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(name)
        writer.writeOptionalString(exact)
        writer.writeOptionalString(prefix)
        writer.writeOptionalString(regex)
        writer.writeOptionalBool(present)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        name = try reader.readString()
        exact = try reader.readOptionalString()
        prefix = try reader.readOptionalString()
        regex = try reader.readOptionalString()
        present = try reader.readOptionalBool()
    }
}

extension RouteMatch: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeOptionalString(prefix)
        writer.writeOptionalString(path)
        writer.writeOptionalString(regex)
        writer.write(headers)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        prefix = try reader.readOptionalString()
        path = try reader.readOptionalString()
        regex = try reader.readOptionalString()
        headers = try reader.readArray(HeaderMatch.self)
    }
}

extension WeightedService: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(service)
        writer.writeInt(weight)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        service = try reader.readString()
        weight = try reader.readInt()
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        switch try reader.readByte() {
        case 0: self = .service(try reader.readString())
        case 1: self = .weighted(try reader.readArray(WeightedService.self))
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        retryOn = try reader.readString()
        numRetries = try reader.readInt()
        perTryTimeout = try reader.readOptionalDuration()
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        allowOrigins = try reader.readStrings()
        allowMethods = try reader.readStrings()
        allowHeaders = try reader.readStrings()
        exposeHeaders = try reader.readStrings()
        maxAge = try reader.readOptionalDuration()
        allowCredentials = try reader.readBool()
    }
}

extension HashPolicy: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(header)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        header = try reader.readString()
    }
}

extension RequestMirror: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeString(service)
        writer.writeInt(percent)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        service = try reader.readString()
        percent = try reader.readInt()
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

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        name = try reader.readString()
        listener = try reader.readEnum(WireTable.listeners, "listener")
        match = try reader.read(RouteMatch.self)
        destination = try reader.read(RouteDestination.self)
        timeout = try reader.readOptionalDuration()
        retryPolicy = try reader.readOptional(RetryPolicy.self)
        cors = try reader.readOptional(CorsPolicy.self)
        hashPolicy = try reader.readOptional(HashPolicy.self)
        mirror = try reader.readOptional(RequestMirror.self)
    }
}
