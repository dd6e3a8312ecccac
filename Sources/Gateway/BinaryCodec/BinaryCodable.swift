/// A value with a hand-written binary form that it writes.
public protocol BinaryEncodable {
    func encode(to writer: inout BinaryWriter)
}

/// A value with a hand-written binary form (the hot path of folding avoids Codable).
///
/// A conforming type writes `encode` and `decode`; `init(from:)` is derived. `decode` reads into
/// locals and returns one memberwise-built value: assigning the fields of `self` one by one (or
/// delegating to `self.init`) made the optimizer copy and destroy the whole value once per decode.
public protocol BinaryCodable: BinaryEncodable {
    static func decode(from reader: inout BinaryReader) throws(PayloadError) -> Self
}

extension BinaryCodable {
    public init(from reader: inout BinaryReader) throws(PayloadError) {
        self = try Self.decode(from: &reader)
    }
}

extension String: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) { writer.writeString(self) }

    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> String {
        try reader.readString()
    }
}

extension Array: BinaryEncodable where Element: BinaryEncodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeArray(self) { writer, value in value.encode(to: &writer) }
    }
}

extension Array: BinaryCodable where Element: BinaryCodable {
    @inline(__always)
    public static func decode(from reader: inout BinaryReader) throws(PayloadError) -> [Element] {
        try reader.readArray()
    }
}

extension BinaryWriter {
    public mutating func write<T: BinaryEncodable>(_ value: T) {
        value.encode(to: &self)
    }

    public mutating func write<T: BinaryEncodable>(_ value: T?) {
        writeOptional(value) { writer, value in value.encode(to: &writer) }
    }

    public mutating func write<T: BinaryEncodable>(_ values: [T]) {
        writeArray(values) { writer, value in value.encode(to: &writer) }
    }
}

extension BinaryReader {
    @inline(__always)
    public mutating func read<T: BinaryCodable>(_: T.Type = T.self) throws(PayloadError) -> T {
        try T.decode(from: &self)
    }

    @inline(__always)
    public mutating func readOptional<T: BinaryCodable>(_: T.Type = T.self) throws(PayloadError) -> T? {
        guard try readPresence() else { return nil }
        return try T.decode(from: &self)
    }

    public mutating func readArray<T: BinaryCodable>(_: T.Type = T.self) throws(PayloadError) -> [T] {
        let count = try readCount()
        guard count > 0 else { return [] }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try T.decode(from: &self)) }
        return items
    }

    mutating func readStrings() throws(PayloadError) -> [String] {
        let count = try readCount()
        guard count > 0 else { return [] }
        var items: [String] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try readString()) }
        return items
    }

    @inline(__always)
    mutating func readOptionalString() throws(PayloadError) -> String? {
        guard try readPresence() else { return nil }
        return try readString()
    }

    @inline(__always)
    mutating func readOptionalInt() throws(PayloadError) -> Int? {
        guard try readPresence() else { return nil }
        return try readInt()
    }

    @inline(__always)
    mutating func readOptionalDuration() throws(PayloadError) -> ConfigDuration? {
        guard try readPresence() else { return nil }
        return try readDuration()
    }

    @inline(__always)
    mutating func readOptionalBool() throws(PayloadError) -> Bool? {
        guard try readPresence() else { return nil }
        return try readBool()
    }

    /// A one-byte enum code below `count`; the caller maps it (see `WireTable`).
    @inline(__always)
    mutating func readCode(below count: UInt8, _ name: StaticString) throws(PayloadError) -> UInt8 {
        let code = try readByte()
        guard code < count else { throw PayloadError("unknown \(name) code \(code) at offset \(offset - 1)") }
        return code
    }

    @inline(__always)
    mutating func readListener() throws(PayloadError) -> ListenerKind {
        switch try readCode(below: 2, "listener") {
        case 0: .http
        default: .grpc
        }
    }

    @inline(__always)
    mutating func readServiceProtocol() throws(PayloadError) -> ServiceProtocol {
        switch try readCode(below: 3, "protocol") {
        case 0: .http1
        case 1: .http2
        default: .grpc
        }
    }

    @inline(__always)
    mutating func readLBPolicy() throws(PayloadError) -> LoadBalancingPolicy {
        switch try readCode(below: 5, "lb_policy") {
        case 0: .roundRobin
        case 1: .leastRequest
        case 2: .random
        case 3: .ringHash
        default: .maglev
        }
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
