import EventLog
import Foundation
import Gateway
import LogbookCore
import TestSupport
import Testing

private let cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
private let lds = "type.googleapis.com/envoy.config.listener.v3.Listener"

/// What an unauthenticated xDS client can make the log and the status view hold is bounded: a
/// per-node budget with coalescing, NACK messages cut, disconnected unregistered nodes forgotten.
@Suite("Observations: bounds against hostile xDS clients", .timeLimit(.minutes(1)))
struct ObservationBoundTests {
    @Test("a thousand distinct NACKs from one node make a handful of events, and the newest reaches the log")
    func nackFloodIsBoundedAndConverges() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook, limits: .init(burst: 5, perSecond: 20))
        recorder.record(.connected(node: "n", cluster: ""))
        for index in 0..<1_000 {
            recorder.record(.nacked(node: "n", typeURL: cds, version: "1", message: "bad \(index)"))
        }
        try await recorder.flush()
        // The connect and four NACKs spent the burst; the other 996 NACKs waited in one slot.
        #expect(store.head <= 6)
        #expect(recorder.coalescedCount >= 990)
        #expect(recorder.waitingCount == 1)
        // The bucket refills (20 a second): the newest NACK is what reaches the log.
        try await Task.sleep(for: .milliseconds(150))
        try await recorder.flush()
        #expect(store.head <= 8)
        let node = try logbook.proxyStatus().nodes["n"]
        #expect(node?.lastNack?.message == "bad 999")
        #expect(node?.connected == true)
        #expect(node?.rejecting == true)
    }

    @Test("a node that flaps ends in the log as it ends: connected or not, with its newest ACK")
    func flappingConverges() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook, limits: .init(burst: 3, perSecond: 0))
        for round in 0..<500 {
            recorder.record(.connected(node: "flap", cluster: "edge"))
            recorder.record(.acked(node: "flap", typeURL: lds, version: "\(round)"))
            recorder.record(.disconnected(node: "flap"))
        }
        recorder.record(.connected(node: "flap", cluster: "edge"))
        recorder.record(.acked(node: "flap", typeURL: lds, version: "7"))
        try await recorder.flush()
        #expect(store.head <= 3)
        // No refill at all: only a shutdown's flush releases what waits, and the state is right.
        try await recorder.flush(releasingAll: true)
        #expect(store.head <= 6)
        let node = try logbook.proxyStatus().nodes["flap"]
        #expect(node?.connected == true)
        #expect(node?.acked == [lds: "7"])
        #expect(node?.runningVersion == "7")
    }

    @Test("a NACK message is cut to 1 KiB on a character boundary and says so")
    func nackMessagesAreCut() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook)
        let message = String(repeating: "é€", count: 2_000)
        recorder.record(.connected(node: "n", cluster: ""))
        recorder.record(.nacked(node: "n", typeURL: cds, version: "1", message: message))
        try await recorder.flush()
        let stored = try #require(try logbook.proxyStatus().nodes["n"]?.lastNack?.message)
        #expect(stored.utf8.count <= ProxyObservation.maxNackMessageBytes)
        #expect(stored.hasSuffix("[truncated from \(message.utf8.count) bytes]"))
        #expect(message.hasPrefix(try #require(stored.components(separatedBy: " … [").first)))
    }

    @Test("made-up node ids leave at most the limit of disconnected unregistered nodes in the status view")
    func unregisteredNodesAreForgotten() async throws {
        let dir = try TemporaryDirectory()
        let clock = ManualClock()
        let (store, logbook) = try openLogbook(dir.path, clock: clock)
        defer { store.close() }
        _ = try await logbook.execute(.registerProxy(Proxy(id: "kept", httpPort: 10_000)))
        _ = try await logbook.execute(.registerProxy(Proxy(cluster: "fleet", httpPort: 10_001)))
        try await logbook.record([.connected(node: "kept", cluster: ""), .connected(node: "member", cluster: "fleet")])
        try await logbook.record([.disconnected(node: "kept"), .disconnected(node: "member")])
        try await logbook.record([.connected(node: "early", cluster: ""), .disconnected(node: "early")])
        clock.advance(by: 1000)
        let recorder = try ObservationRecorder(logbook: logbook, limits: .init(burst: 10, perSecond: 0))
        for index in 0..<2_500 {
            recorder.record(.connected(node: "made-up-\(index)", cluster: "x"))
            recorder.record(.disconnected(node: "made-up-\(index)"))
        }
        recorder.record(.connected(node: "live", cluster: ""))
        try await recorder.flush()
        let board = try logbook.proxyStatus()
        let idle = board.nodes.values.filter { !$0.connected && !board.isRegistered($0) }
        #expect(idle.count <= ProxyStatusBoard.defaultIdleLimit)
        #expect(board.nodes.count <= ProxyStatusBoard.defaultIdleLimit + 3)
        // Registered proxies and fleet members stay; the oldest unregistered went first.
        #expect(board.nodes["kept"] != nil)
        #expect(board.nodes["member"] != nil)
        #expect(board.nodes["live"]?.connected == true)
        #expect(board.nodes["early"] == nil)
        #expect(idle.count > ProxyStatusBoard.defaultIdleLimit * 8 / 10)
        // The log keeps their history.
        #expect(try logbook.proxyHistory(node: "early").connections.count == 1)
        // A fresh fold of the log keeps the same bound.
        store.close()
        let (reopened, again) = try openLogbook(dir.path)
        defer { reopened.close() }
        let folded = try again.proxyStatus()
        #expect(folded.nodes.count <= ProxyStatusBoard.defaultIdleLimit + 3)
        #expect(folded.nodes["kept"] != nil && folded.nodes["member"] != nil)
    }

    @Test("a NACK stands until an ACK of its type; reconnecting clears it")
    func rejectingFollowsTheNewestNack() {
        var node = NodeStatus(id: "n")
        node.apply(.connected(node: "n", cluster: ""), at: 1)
        node.apply(.acked(node: "n", typeURL: cds, version: "1"), at: 2)
        node.apply(.nacked(node: "n", typeURL: cds, version: "2", message: "no"), at: 3)
        #expect(node.rejecting)
        node.apply(.acked(node: "n", typeURL: lds, version: "2"), at: 4)
        #expect(node.rejecting)
        node.apply(.acked(node: "n", typeURL: cds, version: "3"), at: 5)
        #expect(!node.rejecting)
        node.apply(.nacked(node: "n", typeURL: cds, version: "4", message: "no"), at: 6)
        #expect(node.rejecting)
        node.apply(.disconnected(node: "n"), at: 7)
        #expect(!node.rejecting)
        #expect(node.lastNack?.version == "4")
    }
}
