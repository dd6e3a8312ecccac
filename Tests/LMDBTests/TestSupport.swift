import Foundation
import LMDB

/// A fresh subdirectory of `parent` (LMDB wants the directory to exist before it opens).
func makeDirectory(_ parent: String, _ name: String) throws -> String {
    let path = (parent as NSString).appendingPathComponent(name)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A u64 as big-endian bytes, so keys sort by value.
func key(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The u64 held in a big-endian key.
func value(ofKey buffer: UnsafeRawBufferPointer) -> UInt64 {
    buffer.reduce(0) { $0 << 8 | UInt64($1) }
}

extension Entry {
    /// The key read back as a big-endian u64, copied out of the map.
    var number: UInt64 { LMDBTests.value(ofKey: key) }
    var text: String { String(decoding: value, as: UTF8.self) }
}

/// An error thrown by a test body to make a write transaction fail.
struct Rollback: Error, Equatable {}

/// Options for a small environment: tests do not need the 64 MiB default.
func smallOptions(mapSize: Int = 4 << 20) -> EnvironmentOptions {
    var options = EnvironmentOptions()
    options.mapSize = mapSize
    return options
}
