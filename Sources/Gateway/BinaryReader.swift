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

    public mutating func readByte() throws(PayloadError) -> UInt8 {
        guard offset < buffer.count else { throw truncated("a byte") }
        let byte = buffer[offset]
        offset += 1
        return byte
    }

    public mutating func readVarUInt() throws(PayloadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw truncated("a varint") }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw PayloadError("varint overflows 64 bits at offset \(offset - 1)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func readVarInt() throws(PayloadError) -> Int64 {
        let raw = try readVarUInt()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func readInt() throws(PayloadError) -> Int {
        Int(truncatingIfNeeded: try readVarInt())
    }

    public mutating func readBool() throws(PayloadError) -> Bool {
        switch try readByte() {
        case 0: return false
        case 1: return true
        case let other: throw PayloadError("invalid bool byte \(other) at offset \(offset - 1)")
        }
    }

    public mutating func readString() throws(PayloadError) -> String {
        let length = try readVarUInt()
        guard length <= UInt64(remaining) else { throw truncated("a string of \(length) bytes") }
        let count = Int(length)
        let slice = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + count])
        offset += count
        return String(decoding: slice, as: UTF8.self)
    }

    public mutating func readDuration() throws(PayloadError) -> ConfigDuration {
        ConfigDuration(milliseconds: try readVarInt())
    }

    public mutating func readOptional<T>(
        _ read: (inout BinaryReader) throws(PayloadError) -> T
    ) throws(PayloadError) -> T? {
        switch try readByte() {
        case 0: return nil
        case 1: return try read(&self)
        case let other: throw PayloadError("invalid presence byte \(other) at offset \(offset - 1)")
        }
    }

    public mutating func readArray<T>(
        _ read: (inout BinaryReader) throws(PayloadError) -> T
    ) throws(PayloadError) -> [T] {
        let count = try readVarUInt()
        // Every item takes at least one byte, so a larger count is garbage, not a reason to allocate.
        guard count <= UInt64(remaining) else { throw truncated("\(count) array items") }
        var items: [T] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<Int(count) { items.append(try read(&self)) }
        return items
    }

    /// Trailing bytes mean the payload is not what its type says.
    public func expectEnd() throws(PayloadError) {
        guard isAtEnd else { throw PayloadError("\(remaining) unexpected trailing bytes at offset \(offset)") }
    }

    private func truncated(_ what: String) -> PayloadError {
        PayloadError("truncated: expected \(what) at offset \(offset) of \(buffer.count)")
    }
}
