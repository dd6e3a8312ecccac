import Gateway
import Hummingbird
import LogbookCore
import NIOCore

/// The per-request context: Hummingbird's core storage plus who is asking, filled in by
/// `RequestMetadataMiddleware` before any handler runs.
public struct AdminRequestContext: Hummingbird.RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// From `X-Actor`; stored in every envelope this request appends.
    var actor = "anonymous"
    /// The `X-Actor` a client sent while authentication is on: kept as a claim, never the actor.
    var claimedActor: String?
    /// Who the bearer token proved the caller is; nil while authentication is off.
    var principal: Principal?
    /// From `X-Request-Id`, or generated; stored in the envelope and echoed back.
    var requestID = ""

    /// The client's address, recorded beside a claimed actor while authentication is on.
    var clientAddress: String?

    /// `claimed-actor/<X-Actor>` and `client/<address>` while authentication is on: kept with
    /// the events the request appends (as by-entity keys), never as the actor.
    var requestEntities: [String] {
        guard principal != nil else { return [] }
        var entities: [String] = []
        if let claimedActor {
            // An entity is an index key: bounded in bytes, cut between characters.
            var cut = claimedActor
            while cut.utf8.count > 200 { cut.removeLast() }
            entities.append("claimed-actor/" + cut)
        }
        if let clientAddress { entities.append("client/" + clientAddress) }
        return entities
    }

    /// Who asks, for a command that needs no other guard.
    var logbookContext: LogbookCore.RequestContext {
        var answer = LogbookCore.RequestContext(actor: actor, requestID: requestID)
        answer.requestEntities = requestEntities
        return answer
    }

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
