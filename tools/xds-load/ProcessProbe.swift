import Foundation

/// Resident memory and CPU time of a process, read from /proc (Linux only).
struct ProcessProbe: Sendable {
    /// A pid, or "self".
    let process: String

    static let current = ProcessProbe(process: "self")

    init(pid: Int32) { process = String(pid) }
    private init(process: String) { self.process = process }

    /// VmRSS from /proc/P/status, in KiB.
    func residentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        return nil
    }

    /// User plus system CPU time from /proc/P/stat, in seconds.
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(process)/stat", encoding: .utf8),
            let commEnd = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": field 3 is the state, so utime (field 14) and stime (15) are at offsets 11 and 12.
        let fields = stat[stat.index(after: commEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
