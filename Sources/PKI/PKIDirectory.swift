import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
    #else
        Darwin.write(fd, buffer, count)
    #endif
}

/// One file the PKI wrote.
public struct WrittenFile: Hashable, Sendable {
    public let path: String
    /// The permission bits it was given: 0600 for a key, 0644 for a certificate.
    public let mode: mode_t
    public let isPrivateKey: Bool
}

/// The folder holding `ca.pem`, `ca-key.pem`, `<name>.pem` and `<name>-key.pem`. Keys are 0600
/// from the moment their file exists; nothing is overwritten unless asked.
public struct PKIDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public var caCertificatePath: String { file("ca.pem") }
    public var caKeyPath: String { file("ca-key.pem") }
    public func certificatePath(for name: String) -> String { file("\(name).pem") }
    public func keyPath(for name: String) -> String { file("\(name)-key.pem") }

    private func file(_ name: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(name).path }

    public func loadCA() throws(PKIError) -> LocalCA {
        let manager = FileManager.default
        guard manager.fileExists(atPath: caCertificatePath), manager.fileExists(atPath: caKeyPath) else {
            throw PKIError(field: "--dir", "no CA in \(path) (ca.pem and ca-key.pem): run `logbook pki init` first")
        }
        let certificate: String
        let key: String
        do {
            certificate = try String(contentsOfFile: caCertificatePath, encoding: .utf8)
            key = try String(contentsOfFile: caKeyPath, encoding: .utf8)
        } catch {
            throw PKIError(field: "--dir", "cannot read the CA in \(path): \(error.localizedDescription)")
        }
        return try LocalCA(certificatePEM: certificate, privateKeyPEM: key)
    }

    /// Writes `ca-key.pem` and `ca.pem`.
    public func write(_ ca: LocalCA, force: Bool) throws(PKIError) -> [WrittenFile] {
        try write(
            certificate: ca.certificatePEM, to: caCertificatePath, key: ca.privateKeyPEM, to: caKeyPath, force: force)
    }

    /// Writes `<name>-key.pem` and `<name>.pem`.
    public func write(_ leaf: IssuedCertificate, force: Bool) throws(PKIError) -> [WrittenFile] {
        try write(
            certificate: leaf.certificatePEM, to: certificatePath(for: leaf.name), key: leaf.privateKeyPEM,
            to: keyPath(for: leaf.name), force: force)
    }

    private func write(
        certificate: String, to certificatePath: String, key: String, to keyPath: String, force: Bool
    ) throws(PKIError) -> [WrittenFile] {
        // Both files are checked before either is written, so a refusal writes nothing.
        if !force {
            for target in [keyPath, certificatePath] where FileManager.default.fileExists(atPath: target) {
                throw PKIError("\(target) already exists; pass --force to replace it")
            }
        }
        try makeDirectory()
        try Self.writeAtomically(Array(key.utf8), to: keyPath, mode: 0o600, replace: force)
        do {
            try Self.writeAtomically(Array(certificate.utf8), to: certificatePath, mode: 0o644, replace: force)
        } catch {
            // A key without its certificate is useless; a fresh one (never replacing) is ours to remove.
            if !force { unlink(keyPath) }
            throw error
        }
        return [
            WrittenFile(path: certificatePath, mode: 0o644, isPrivateKey: false),
            WrittenFile(path: keyPath, mode: 0o600, isPrivateKey: true),
        ]
    }

    /// The folder is made 0700: it holds the CA's key. An existing folder keeps its mode.
    private func makeDirectory() throws(PKIError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw PKIError(field: "--dir", "\(path) is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw PKIError(field: "--dir", "cannot create \(path): \(error.localizedDescription)")
        }
    }

    /// Writes a temporary file beside `path`, created with mode 0600 (so a key is never readable
    /// by others, whatever the umask), sets its final mode, syncs it, then moves it into place:
    /// `rename` when replacing, `link` otherwise, which fails rather than overwrite a file that
    /// appeared meanwhile. A reader sees the old file or the whole new one, never a part.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t, replace: Bool) throws(PKIError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let base = URL(fileURLWithPath: path).lastPathComponent
        let temporary = directory + "/.\(base).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("cannot create a file in \(directory)") }
        var written = 0
        var ok = fchmod(fd, mode) == 0
        while ok && written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            ok = count > 0
            if ok { written += count }
        }
        ok = ok && fsync(fd) == 0
        let error = errno
        close(fd)
        guard ok else {
            unlink(temporary)
            errno = error
            throw failure("cannot write \(path)")
        }
        if replace {
            guard rename(temporary, path) == 0 else {
                let error = failure("cannot replace \(path)")
                unlink(temporary)
                throw error
            }
        } else {
            let linked = link(temporary, path) == 0
            let error = errno
            unlink(temporary)
            guard linked else {
                if error == EEXIST {
                    throw PKIError("\(path) already exists; pass --force to replace it")
                }
                errno = error
                throw failure("cannot create \(path)")
            }
        }
        // The new name survives a crash only once the folder is synced too.
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func failure(_ what: String) -> PKIError {
        PKIError(field: "--dir", "\(what): \(String(cString: strerror(errno)))")
    }
}
