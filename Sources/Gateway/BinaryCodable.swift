/// A value with a hand-written binary form (the hot path of folding avoids Codable).
public protocol BinaryCodable {
    func encode(to writer: inout BinaryWriter)
    init(from reader: inout BinaryReader) throws(PayloadError)
}

extension BinaryWriter {
    public mutating func write<T: BinaryCodable>(_ value: T) {
        value.encode(to: &self)
    }

    public mutating func write<T: BinaryCodable>(_ value: T?) {
        writeOptional(value) { writer, value in value.encode(to: &writer) }
    }

    public mutating func write<T: BinaryCodable>(_ values: [T]) {
        writeArray(values) { writer, value in value.encode(to: &writer) }
    }
}

extension BinaryReader {
    public mutating func read<T: BinaryCodable>(_: T.Type = T.self) throws(PayloadError) -> T {
        try T(from: &self)
    }

    public mutating func readOptional<T: BinaryCodable>(_: T.Type = T.self) throws(PayloadError) -> T? {
        try readOptional { (reader: inout BinaryReader) throws(PayloadError) in try T(from: &reader) }
    }

    public mutating func readArray<T: BinaryCodable>(_: T.Type = T.self) throws(PayloadError) -> [T] {
        try readArray { (reader: inout BinaryReader) throws(PayloadError) in try T(from: &reader) }
    }

    mutating func readStrings() throws(PayloadError) -> [String] {
        try readArray { (reader: inout BinaryReader) throws(PayloadError) in try reader.readString() }
    }

    mutating func readOptionalString() throws(PayloadError) -> String? {
        try readOptional { (reader: inout BinaryReader) throws(PayloadError) in try reader.readString() }
    }

    mutating func readOptionalInt() throws(PayloadError) -> Int? {
        try readOptional { (reader: inout BinaryReader) throws(PayloadError) in try reader.readInt() }
    }

    mutating func readOptionalDuration() throws(PayloadError) -> ConfigDuration? {
        try readOptional { (reader: inout BinaryReader) throws(PayloadError) in try reader.readDuration() }
    }

    mutating func readOptionalBool() throws(PayloadError) -> Bool? {
        try readOptional { (reader: inout BinaryReader) throws(PayloadError) in try reader.readBool() }
    }

    /// An enum stored as its index in a fixed table; the table order is part of the format and never changes.
    mutating func readEnum<T>(_ table: [T], _ name: String) throws(PayloadError) -> T {
        let code = Int(try readByte())
        guard code < table.count else { throw PayloadError("unknown \(name) code \(code) at offset \(offset - 1)") }
        return table[code]
    }
}

extension BinaryWriter {
    mutating func writeStrings(_ values: [String]) {
        writeArray(values) { writer, value in writer.writeString(value) }
    }

    mutating func writeOptionalString(_ value: String?) {
        writeOptional(value) { writer, value in writer.writeString(value) }
    }

    mutating func writeOptionalInt(_ value: Int?) {
        writeOptional(value) { writer, value in writer.writeInt(value) }
    }

    mutating func writeOptionalDuration(_ value: ConfigDuration?) {
        writeOptional(value) { writer, value in writer.writeDuration(value) }
    }

    mutating func writeOptionalBool(_ value: Bool?) {
        writeOptional(value) { writer, value in writer.writeBool(value) }
    }

    mutating func writeEnum<T: Equatable>(_ value: T, _ table: [T]) {
        writeByte(UInt8(table.firstIndex(of: value) ?? 0))
    }
}

/// Wire tables: appending is fine, reordering breaks every stored payload.
enum WireTable {
    static let serviceProtocols: [ServiceProtocol] = [.http1, .http2, .grpc]
    static let lbPolicies: [LoadBalancingPolicy] = [.roundRobin, .leastRequest, .random, .ringHash, .maglev]
    static let listeners: [ListenerKind] = [.http, .grpc]
}
