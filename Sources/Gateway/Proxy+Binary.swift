extension Proxy: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeOptionalString(id)
        writer.writeOptionalString(cluster)
        writer.writeOptionalString(host)
        writer.writeOptionalInt(httpPort)
        writer.writeOptionalInt(grpcPort)
        writer.writeOptionalInt(adminPort)
    }

    public init(from reader: inout BinaryReader) throws(PayloadError) {
        id = try reader.readOptionalString()
        cluster = try reader.readOptionalString()
        host = try reader.readOptionalString()
        httpPort = try reader.readOptionalInt()
        grpcPort = try reader.readOptionalInt()
        adminPort = try reader.readOptionalInt()
    }
}
