extension Proxy: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeOptionalString(id)
        writer.writeOptionalString(cluster)
        writer.writeOptionalString(host)
        writer.writeOptionalInt(httpPort)
        writer.writeOptionalInt(grpcPort)
        writer.writeOptionalInt(adminPort)
    }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> Self {
        let id = try reader.readOptionalString()
        let cluster = try reader.readOptionalString()
        let host = try reader.readOptionalString()
        let httpPort = try reader.readOptionalInt()
        let grpcPort = try reader.readOptionalInt()
        let adminPort = try reader.readOptionalInt()
        return Self(id: id, cluster: cluster, host: host, httpPort: httpPort, grpcPort: grpcPort, adminPort: adminPort)
    }
}
