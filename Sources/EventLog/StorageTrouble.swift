import Foundation
import LMDB

/// Names the cause of a storage failure in words an operator can act on. LMDB reports a full
/// disk as whatever the write or fsync returned (often EIO), so the free space is checked too.
enum StorageTrouble {
    /// Below this much free space, a failed write is blamed on the disk being full.
    static let nearlyFullBytes: UInt64 = 1 << 20

    static func describe(_ error: any Error, directory: String) -> String {
        guard let lmdb = error as? LMDBError else { return String(describing: error) }
        let code = lmdb.code.rawValue
        if isDiskFull(error, directory: directory) {
            return "the disk holding \(directory) is full (\(freeBytes(directory).map(format) ?? "unknown") free); "
                + "free space, then retry (\(lmdb))"
        }
        switch code {
        case EROFS: return "\(directory) is on a read-only file system (\(lmdb))"
        case EACCES, EPERM: return "no permission to write in \(directory) (\(lmdb))"
        case EIO: return "the disk holding \(directory) reported an I/O error (\(lmdb))"
        default: return lmdb.description
        }
    }

    static func isDiskFull(_ error: any Error, directory: String) -> Bool {
        guard let code = (error as? LMDBError)?.code.rawValue else { return false }
        return code == ENOSPC || code == EDQUOT || ((code == EIO || code == .mapFullCode) && isNearlyFull(directory))
    }

    static func freeBytes(_ directory: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    static func isNearlyFull(_ directory: String) -> Bool {
        freeBytes(directory).map { $0 < nearlyFullBytes } ?? false
    }

    private static func format(_ bytes: UInt64) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }
}

extension Int32 {
    fileprivate static let mapFullCode = LMDBError.Code.mapFull.rawValue
}
