/// Reads the format `BinaryWriter` writes; every read is bounds-checked and throws on garbage.
/// The buffer is borrowed: use a reader only inside the scope that owns the bytes.
public struct BinaryReader {
    public let buffer: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.offset = 0
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset >= buffer.count }

    @inline(__always)
    public mutating func readByte() throws(PayloadError) -> UInt8 {
        guard offset < buffer.count else { throw truncated("a byte") }
        let byte = buffer.load(fromByteOffset: offset, as: UInt8.self)
        offset &+= 1
        return byte
    }

    @inline(__always)
    public mutating func readVarUInt() throws(PayloadError) -> UInt64 {
        // Fast path: most varints (lengths, counts, small numbers) are one byte.
        if offset < buffer.count {
            let byte = buffer.load(fromByteOffset: offset, as: UInt8.self)
            if byte < 0x80 {
                offset &+= 1
                return UInt64(byte)
            }
        }
        return try readVarUIntSlow()
    }

    mutating func readVarUIntSlow() throws(PayloadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw truncated("a varint") }
            let byte = buffer.load(fromByteOffset: offset, as: UInt8.self)
            offset += 1
            if shift == 63 && byte > 1 { throw PayloadError("varint overflows 64 bits at offset \(offset - 1)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inline(__always)
    public mutating func readVarInt() throws(PayloadError) -> Int64 {
        let raw = try readVarUInt()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inline(__always)
    public mutating func readInt() throws(PayloadError) -> Int {
        Int(truncatingIfNeeded: try readVarInt())
    }

    @inline(__always)
    public mutating func readBool() throws(PayloadError) -> Bool {
        let byte = try readByte()
        guard byte <= 1 else { throw invalid("bool", byte) }
        return byte == 1
    }

    /// The presence byte of an optional: 0 absent, 1 present, anything else is garbage.
    @inline(__always)
    public mutating func readPresence() throws(PayloadError) -> Bool {
        let byte = try readByte()
        guard byte <= 1 else { throw invalid("presence", byte) }
        return byte == 1
    }

    public mutating func readString() throws(PayloadError) -> String {
        let length = try readVarUInt()
        guard length <= UInt64(remaining) else { throw truncated("a string of \(length) bytes") }
        let count = Int(truncatingIfNeeded: length)
        let start = offset
        offset &+= count
        guard count > 0, let base = buffer.baseAddress else { return "" }
        return String(
            decoding: UnsafeBufferPointer(start: (base + start).assumingMemoryBound(to: UInt8.self), count: count),
            as: UTF8.self)
    }

    @inline(__always)
    public mutating func readDuration() throws(PayloadError) -> ConfigDuration {
        ConfigDuration(milliseconds: try readVarInt())
    }

    public mutating func readOptional<T>(
        _ read: (inout BinaryReader) throws(PayloadError) -> T
    ) throws(PayloadError) -> T? {
        guard try readPresence() else { return nil }
        return try read(&self)
    }

    /// An array's item count; every item takes at least one byte, so a larger count is garbage,
    /// not a reason to allocate.
    @inline(__always)
    public mutating func readCount() throws(PayloadError) -> Int {
        let count = try readVarUInt()
        guard count <= UInt64(remaining) else { throw truncated("\(count) array items") }
        return Int(truncatingIfNeeded: count)
    }

    public mutating func readArray<T>(
        _ read: (inout BinaryReader) throws(PayloadError) -> T
    ) throws(PayloadError) -> [T] {
        let count = try readCount()
        guard count > 0 else { return [] }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try read(&self)) }
        return items
    }

    /// Everything not read yet, which then counts as read: for a payload that is not in this
    /// format (the JSON of schema 1, see `Upcaster.serviceSchema1`).
    public mutating func readRemaining() -> UnsafeRawBufferPointer {
        let rest = UnsafeRawBufferPointer(rebasing: buffer[min(offset, buffer.count)...])
        offset = buffer.count
        return rest
    }

    /// Trailing bytes mean the payload is not what its type says.
    public func expectEnd() throws(PayloadError) {
        guard isAtEnd else { throw PayloadError("\(remaining) unexpected trailing bytes at offset \(offset)") }
    }

    func truncated(_ what: String) -> PayloadError {
        PayloadError("truncated: expected \(what) at offset \(offset) of \(buffer.count)")
    }

    func invalid(_ what: String, _ byte: UInt8) -> PayloadError {
        PayloadError("invalid \(what) byte \(byte) at offset \(offset - 1)")
    }
}
