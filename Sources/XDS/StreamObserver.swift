/// What the ADS server tells the rest of Logbook about its streams. The wiring turns these
/// into observation events in the log; implementations must not block.
public protocol StreamObserver: Sendable {
    func connected(_ node: NodeIdentity)
    func disconnected(_ node: NodeIdentity)
    /// The node applied `version` of `type`.
    func acked(_ node: NodeIdentity, type: ResourceType, version: String)
    /// The node rejected `version` of `type`, with Envoy's message.
    func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String)
    /// The node's stream is being closed because it read no response for `after`
    /// (`StreamLimits.stallTimeout`); `disconnected` follows.
    func stalled(_ node: NodeIdentity, after: Duration)
}

extension StreamObserver {
    public func stalled(_ node: NodeIdentity, after: Duration) {}
}
