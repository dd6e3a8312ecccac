import Foundation
import TestSupport
import Testing

/// One writer per log, and storage trouble that names its cause: a second server or CLI write
/// on a held log, read-only commands beside a server and on a read-only mount, a full disk.
@Suite("storage guards", .serialized)
struct StorageGuardTests {
    func logbook(_ arguments: [String]) async throws -> ProcessOutput {
        try await runToEnd(logbookExecutable, arguments)
    }

    @Test("a second writer on a served log is refused naming the holder's pid; read-only commands still read")
    func secondWriter() async throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let gateway = repositoryRoot.appendingPathComponent("ops/gateway.yaml").path
        let server = try await LogbookServe(dataDir: data, extra: ["--config", gateway], log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        let pid = server.child.process.processIdentifier
        let head = try await HTTP.get(server.api + "/status").json["head"] as? Int

        let second = try await logbook(["serve", "--data-dir", data, "--http-port", "0", "--xds-port", "0"])
        #expect(second.status == 1, "a second serve started: \(second.stderr)")
        #expect(second.stderr.contains("pid \(pid)"), "\(second.stderr)")
        #expect(second.stderr.split(separator: "\n").count == 1, "\(second.stderr)")
        for write in [
            ["apply", gateway, "--data-dir", data], ["rollback", "1", "--reason", "x", "--data-dir", data],
            ["import", dir.path + "/missing.jsonl", "--data-dir", data],
        ] {
            let refused = try await logbook(write)
            #expect(refused.status == 1, "\(write[0]) ran beside the server")
            #expect(refused.stderr.contains("pid \(pid)") || write[0] == "import", "\(write[0]): \(refused.stderr)")
        }
        for read in [["events"], ["state"], ["versions"], ["verify"], ["export"], ["diff", "1", "2"]] {
            let answer = try await logbook(read + ["--data-dir", data])
            #expect(answer.status == 0, "\(read[0]) beside the server: \(answer.stderr)")
        }

        // The server is untouched: still ready, still writing, at the head it had.
        #expect(try await HTTP.get(server.api + "/status").json["head"] as? Int == head)
        #expect(try await HTTP.get(server.api + "/readyz").status == 200)
        let added = try await HTTP.request(
            "POST", server.api + "/services/add",
            json: ["name": "after", "protocol": "http1", "endpoints": ["127.0.0.1:9999"]])
        #expect(added.status == 201, "\(added.text)")
    }

    /// `sh -c SCRIPT` in a new user and mount namespace, where this test may mount what it likes.
    func inNamespace(_ script: String, _ arguments: [String], log: String) throws -> ChildProcess {
        try ChildProcess(
            executable: "/usr/bin/unshare", arguments: ["-rm", "sh", "-c", script] + arguments, logPath: log)
    }

    @Test("read-only commands read a log on a read-only mount")
    func readOnlyMount() async throws {
        let dir = try TemporaryDirectory()
        let data = dir.path + "/data"
        let gateway = repositoryRoot.appendingPathComponent("ops/gateway.yaml").path
        #expect(try await logbook(["apply", gateway, "--data-dir", data]).status == 0)
        let script =
            #"mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && touch "$0/probe" 2>/dev/null && exit 9; "#
            + #"for c in events state versions verify export; do "$1" $c --data-dir "$0" > /dev/null || exit 1; done"#
        let reader = try inNamespace(script, [data, logbookExecutable], log: dir.path + "/ro.log")
        reader.process.waitUntilExit()
        #expect(reader.process.terminationStatus == 0, "\(reader.log)")
    }

    @Test("a full disk: writes answer 503 naming it, readiness says writes fail, and both recover")
    func fullDisk() async throws {
        let dir = try TemporaryDirectory()
        let mount = dir.path + "/small"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        // An 8 MiB tmpfs seen only by the server; this test reaches it through /proc/PID/root.
        let script =
            #"mount -t tmpfs -o size=8m tmpfs "$0" && exec "$1" serve --data-dir "$0/data" "#
            + #"--http-port 0 --xds-port 0"#
        let server = try inNamespace(script, [mount, logbookExecutable], log: dir.path + "/serve.log")
        defer { Task { await server.stop() } }
        let (httpPort, _) = try await eventually(within: .seconds(20), "serve reports its ports") {
            LogbookServe.ports(in: server.log)
        }
        let api = "http://127.0.0.1:\(httpPort)"
        #expect(try await HTTP.get(api + "/readyz").status == 200)

        let filler = "/proc/\(server.process.processIdentifier)/root\(mount)/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0, "cannot reach the server's tmpfs: errno \(errno)")
        let chunk = [UInt8](repeating: 1, count: 1 << 16)
        while write(fd, chunk, chunk.count) == chunk.count {}
        close(fd)

        let service: [String: Any] = ["name": "full", "protocol": "http1", "endpoints": ["127.0.0.1:9999"]]
        var refused = try await HTTP.request("POST", api + "/services/add", json: service)
        // A page or two may still fit; a few more writes then fill them.
        for index in 0..<50 where refused.status == 201 {
            refused = try await HTTP.request(
                "POST", api + "/services/add",
                json: ["name": "fill-\(index)", "protocol": "http1", "endpoints": ["127.0.0.1:9999"]])
        }
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.text.contains("full"), "\(refused.text)")
        let ready = try await HTTP.get(api + "/readyz")
        #expect(ready.status == 503)
        #expect(ready.text.contains("full"), "\(ready.text)")
        #expect(try await HTTP.get(api + "/services").status == 200, "reads must still be served")

        try FileManager.default.removeItem(atPath: filler)
        #expect(try await HTTP.get(api + "/readyz").status == 200)
        let added = try await HTTP.request(
            "POST", api + "/services/add",
            json: ["name": "after-free", "protocol": "http1", "endpoints": ["127.0.0.1:9999"]])
        #expect(added.status == 201, "\(added.text)")
    }
}
