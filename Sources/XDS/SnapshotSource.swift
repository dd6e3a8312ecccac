/// What an ADS stream needs from the rest of Logbook, and all it sees of it: the snapshot a
/// node should run, a past one to honour a reconnecting node's version, and a signal when the
/// snapshots may have changed. `SnapshotStore` is the real one; tests drive streams with fakes
/// (the shape of go-control-plane's `cache.Cache` behind its `NewServer`).
public protocol SnapshotSource: Sendable {
    /// What `node` should run now.
    func snapshot(for node: NodeIdentity) -> NodeSnapshot

    /// What `node` got at configuration version `version`; nil for a version there is none of.
    func snapshot(for node: NodeIdentity, at version: UInt64) throws -> NodeSnapshot?

    /// Yields after each change of configuration, from the moment it is called, until the
    /// stream is cancelled. It keeps only the newest signal: a stream that is busy sees one
    /// change when it comes back, and reads the current snapshot then.
    func changes() -> AsyncStream<Void>
}
