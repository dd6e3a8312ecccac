import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus who is asking, filled in by
/// `RequestMetadataMiddleware` before any handler runs.
public struct AdminRequestContext: Hummingbird.RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// From `X-Actor`; stored in every envelope this request appends.
    var actor = "anonymous"
    /// From `X-Request-Id`, or generated; stored in the envelope and echoed back.
    var requestID = ""

    /// The connection, so an answer that must end it (`APIError.closesConnection`) can.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }

    /// Bodies over 1 MiB are refused with 413 before they are decoded.
    public var maxUploadSize: Int { APILimits.maxBodyBytes }
}

/// The bounds the API enforces on what clients send.
enum APILimits {
    static let maxBodyBytes = 1 << 20
    /// Longest accepted `X-Actor`, `X-Request-Id` and `Idempotency-Key`.
    static let maxHeaderValue = 200
    static let maxPageSize = 1000
    /// Resource lists are small records; a larger page still bounds one answer.
    static let maxResourcePage = 100_000
    /// The largest `limit` a bounded event stream takes.
    static let maxStreamEvents = 1_000_000
}
