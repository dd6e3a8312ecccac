/// What an ADS stream needs from the rest of Logbook, and all it sees of it: the snapshot a
/// node should run, a past one to honour a reconnecting node's version, and a signal when the
/// snapshots may have changed. `SnapshotStore` is the real one; tests drive streams with fakes
/// (the shape of go-control-plane's `cache.Cache` behind its `NewServer`).
public protocol SnapshotSource: Sendable {
    /// What `node` should run now.
    func snapshot(for node: NodeIdentity) -> NodeSnapshot

    /// What `node` got at configuration version `version`; nil for a version there is none of.
    func snapshot(for node: NodeIdentity, at version: UInt64) throws -> NodeSnapshot?

    /// Calls `onChange` after each change of configuration, from the moment it is called until
    /// the watch is cancelled. It runs on the updater's thread, so it must only take note (an
    /// ADS stream raises a flag, and reads the current snapshot when it next comes round).
    func watch(_ onChange: @escaping @Sendable () -> Void) -> ChangeWatch
}

/// A registration made by `SnapshotSource.watch`; `cancel` ends it.
public struct ChangeWatch: Sendable {
    private let end: @Sendable () -> Void

    public init(cancel: @escaping @Sendable () -> Void) {
        end = cancel
    }

    public func cancel() { end() }
}
