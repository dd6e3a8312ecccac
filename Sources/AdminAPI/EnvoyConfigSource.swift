import Foundation

/// The seam through which the API shows Envoy configuration without building Envoy protos:
/// the xDS side renders, the API only frames the answer (`GET /config`, `GET /config/at`).
public protocol EnvoyConfigSource: Sendable {
    /// The Envoy resources node `node` is served at configuration version `version`, as a JSON
    /// object. Errors are answered as 503 unless they are the API's or the Logbook's own.
    func configJSON(version: UInt64, node: String) throws -> Data
}
