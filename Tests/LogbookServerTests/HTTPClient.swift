import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Plain HTTP/1.1 requests to loopback; a fresh connection each time, so Envoy's routing is re-evaluated.
enum HTTP {
    struct Answer {
        let status: Int
        let body: Data
        /// Response headers, names lowercased.
        var headers: [String: String] = [:]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 1
        // Generous: the whole suite runs in parallel on 2 cores (crash tests, Envoys, fsyncs), and a slow
        // answer is not what these tests measure; timing checks use their own clocks.
        configuration.timeoutIntervalForRequest = 15
        return URLSession(configuration: configuration)
    }()

    static func request(
        _ method: String, _ url: String, json: Any? = nil, body: Data? = nil, headers: [String: String] = [:],
        session: URLSession = session
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("close", forHTTPHeaderField: "Connection")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body { request.httpBody = body }
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return Answer(status: http?.statusCode ?? 0, body: data, headers: headers)
    }

    static func get(_ url: String) async throws -> Answer { try await request("GET", url) }
}
