import AsyncHTTPClient
import Foundation
import NIOCore

/// One GET of a JWKS URL with a deadline, a size limit and no redirects (a redirect could lead
/// from https to somewhere the operator did not name).
enum JWKSFetcher {
    static let timeout: TimeAmount = .seconds(10)

    static func fetch(_ url: URL) async throws(JWTConfigurationError) -> KeySet {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(
                redirectConfiguration: .disallow, timeout: .init(connect: timeout, read: timeout),
                connectionPool: HTTPClient.Configuration.ConnectionPool()))
        let downloaded = await download(url, with: client)
        try? await client.shutdown()
        let body: ByteBuffer
        switch downloaded {
        case .success(let bytes): body = bytes
        case .failure(let error):
            throw JWTConfigurationError("--jwt-jwks: fetching \(url.absoluteString): \(error.message)")
        }
        do throws(JWTConfigurationError) {
            return try KeySet.parse(Data(body.readableBytesView))
        } catch {
            throw JWTConfigurationError("--jwt-jwks: \(url.absoluteString) is not a JWKS: \(error.message)")
        }
    }

    private static func download(_ url: URL, with client: HTTPClient) async -> Result<ByteBuffer, JWTConfigurationError>
    {
        do {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await client.execute(request, timeout: timeout)
            guard response.status == .ok else {
                return .failure(JWTConfigurationError("answered \(response.status.code)"))
            }
            return .success(try await response.body.collect(upTo: KeySet.maxFileBytes))
        } catch {
            return .failure(JWTConfigurationError("\(error)"))
        }
    }
}
