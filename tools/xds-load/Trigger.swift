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

    private func execute(_ command: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw Failure(description: "'\(command)' exited with status \(status)") }
    }
}
