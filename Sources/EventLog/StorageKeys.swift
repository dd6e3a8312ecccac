/// Key layouts of the log's named databases. Integers are big-endian so keys sort by value.
enum StorageKeys {
    static func sequence(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// `by_time`: recorded-at then sequence, so equal times keep log order. The sign bit is
    /// flipped so that times before 1970 sort before later ones.
    static func time(_ milliseconds: Int64, _ sequence: UInt64) -> [UInt8] {
        var key = withUnsafeBytes(of: (UInt64(bitPattern: milliseconds) ^ signBit).bigEndian) { Array($0) }
        key.append(contentsOf: self.sequence(sequence))
        return key
    }

    /// `by_entity`: the entity, a zero byte, then the sequence.
    static func entity(_ entity: String, _ sequence: UInt64) -> [UInt8] {
        var key = Array(entity.utf8)
        key.append(0)
        key.append(contentsOf: self.sequence(sequence))
        return key
    }

    static func entityPrefix(_ entity: String) -> [UInt8] {
        var key = Array(entity.utf8)
        key.append(0)
        return key
    }

    /// The trailing big-endian sequence of an index key.
    static func trailingSequence(_ key: UnsafeRawBufferPointer) -> UInt64 {
        guard key.count >= 8 else { return 0 }
        var value: UInt64 = 0
        for byte in key[(key.count - 8)...] { value = value << 8 | UInt64(byte) }
        return value
    }

    /// The recorded-at time at the front of a `by_time` key.
    static func leadingTime(_ key: UnsafeRawBufferPointer) -> Int64 {
        guard key.count >= 8 else { return 0 }
        var value: UInt64 = 0
        for byte in key[0..<8] { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value ^ signBit)
    }

    private static let signBit: UInt64 = 1 << 63
}

/// The idempotency table's value: first and last sequence (0 when none), head, time, digest.
enum IdempotencyValue {
    static func encode(_ record: IdempotencyRecord) -> [UInt8] {
        var out = StorageKeys.sequence(record.sequences?.lowerBound ?? 0)
        out += StorageKeys.sequence(record.sequences?.upperBound ?? 0)
        out += StorageKeys.sequence(record.head)
        out += StorageKeys.sequence(UInt64(bitPattern: record.recordedAt))
        out += record.requestDigest
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) throws(EventLogError) -> IdempotencyRecord {
        var reader = ByteReader(bytes)
        let first = try reader.integer(UInt64.self, "idempotency first")
        let last = try reader.integer(UInt64.self, "idempotency last")
        let head = try reader.integer(UInt64.self, "idempotency head")
        let time = Int64(bitPattern: try reader.integer(UInt64.self, "idempotency time"))
        let digest = try reader.bytes(bytes.count - reader.offset, "idempotency digest")
        return IdempotencyRecord(
            sequences: first == 0 ? nil : first...last, head: head, recordedAt: time, requestDigest: digest)
    }
}
