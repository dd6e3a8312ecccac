import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The change a round pushes: an HTTP call to the control plane's API, or a shell command.
/// `{round}` and `{run}` in the URL, body and command make every round's change distinct, also across runs.
struct Trigger: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private enum Action {
        case http(url: String, method: String, body: String?, headers: [(String, String)])
        case command(String)
    }

    private let action: Action
    /// Distinct per run of the tool, so repeating a run does not repeat the same changes.
    let run = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)

    init?(options: Options) {
        if let url = options.triggerURL {
            let headers = options.triggerHeader.map { header in
                let colon = header.firstIndex(of: ":")!  // validated by Options
                return (
                    String(header[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            }
            action = .http(url: url, method: options.triggerMethod, body: options.triggerBody, headers: headers)
            // Sets up the HTTP stack (libcurl on Linux) now, so its one-time cost stays out of round 1.
            _ = URLSession.shared.configuration
        } else if let command = options.triggerCommand {
            action = .command(command)
        } else {
            return nil
        }
    }

    /// Makes round `round`'s change and returns when the control plane has accepted it.
    func fire(round: Int) async throws -> ContinuousClock.Instant {
        func expand(_ template: String) -> String {
            template.replacingOccurrences(of: "{round}", with: String(round)).replacingOccurrences(
                of: "{run}", with: run)
        }
        switch action {
        case .http(let url, let method, let body, let headers):
            try await call(
                url: expand(url), method: method, body: body.map(expand), headers: headers)
        case .command(let command):
            try await execute(expand(command))
        }
        return ContinuousClock.now
    }

    private func call(url text: String, method: String, body: String?, headers: [(String, String)]) async throws {
        guard let url = URL(string: text) else { throw Failure(description: "not a URL: \(text)") }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let answer = String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure(description: "\(method) \(text) answered \(status): \(answer)")
        }
    }

    /// Runs `command` with /bin/sh. Foundation's `Process` is not used: on Linux it crashes in `run()` once
    /// the process has a few thousand descriptors open, which this tool always has.
    private func execute(_ command: String) async throws {
        var child: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        // The command's output goes to standard error, with the tool's own lines.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO)
        let spawned = posix_spawn(&child, "/bin/sh", &actions, nil, arguments, environ)
        guard spawned == 0 else { throw Failure(description: "could not start /bin/sh: error \(spawned)") }
        let pid = child
        let status = await withCheckedContinuation { continuation in
            // waitpid blocks, so it gets a thread of its own rather than one of the few the tasks share.
            Thread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }.start()
        }
        let exited = status & 0x7f == 0
        guard exited, (status >> 8) & 0xff == 0 else {
            let how = exited ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
            throw Failure(description: "'\(command)' \(how)")
        }
    }
}
