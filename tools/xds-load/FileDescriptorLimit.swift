#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The open-files limit: every connection is a socket, so 10,000 streams need more than the usual 1,024.
enum FileDescriptorLimit {
    struct TooLow: Error, CustomStringConvertible {
        let needed: UInt64
        let hard: UInt64
        var description: String {
            "this run needs \(needed) file descriptors but the hard limit is \(hard): "
                + "raise it (ulimit -Hn, or LimitNOFILE) or use fewer streams or more --streams-per-connection"
        }
    }

    /// Raises the soft limit to the hard limit and checks that `needed` descriptors fit. Returns the soft limit.
    @discardableResult
    static func raise(toAtLeast needed: Int) throws -> UInt64 {
        var limit = rlimit()
        #if canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(resource, &limit)
            _ = getrlimit(resource, &limit)
        }
        guard UInt64(limit.rlim_cur) >= UInt64(needed) else { throw TooLow(needed: UInt64(needed), hard: UInt64(limit.rlim_max)) }
        return UInt64(limit.rlim_cur)
    }
}
