import EventLog
import Foundation
import Gateway
import LogbookCore
import TestSupport
import Testing

private let cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
private let lds = "type.googleapis.com/envoy.config.listener.v3.Listener"
private let rds = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"

@Suite("Observations: recording what proxies do")
struct ProxyObservationTests {
    @Test("Logbook.record appends grouped observation events as xds, moving the head but not the version")
    func record() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        var observations = (0..<100).map { ProxyObservation.connected(node: "n\($0)", cluster: "edge") }
        observations += (0..<100).map { ProxyObservation.acked(node: "n\($0)", typeURL: cds, version: "1") }
        try await logbook.record(observations)
        #expect(store.head == 3)
        #expect(logbook.state.version == 1)
        #expect(logbook.state.head == 3)
        let envelopes = try store.envelopes(EventQuery()).envelopes.suffix(2)
        #expect(envelopes.map(\.type) == ["ProxyConnected", "ProxyAcked"])
        #expect(envelopes.allSatisfy { $0.kind == .observation && $0.actor == "xds" })
        #expect(envelopes.last?.entities.count == 100)
        #expect(
            try logbook.events(EventQuery()).events.last?.event.summary
                == "100 nodes (n0, n1, n2 and 97 more) acked Cluster version 1")
        #expect(try logbook.versions().versions.map(\.version) == [1])
    }

    @Test("the recorder records only changes, and many proxies ACKing a push make a few events")
    func recorderDeduplicatesAndBatches() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook)
        for node in 0..<500 { recorder.record(.connected(node: "n\(node)", cluster: "edge")) }
        for _ in 0..<3 {
            for node in 0..<500 {
                for type in [cds, lds, rds] { recorder.record(.acked(node: "n\(node)", typeURL: type, version: "4")) }
                recorder.record(.connected(node: "n\(node)", cluster: "edge"))
            }
        }
        #expect(recorder.pendingCount == 2000)
        try await recorder.flush()
        #expect(store.head == 4)
        // The same again is no news at all.
        for node in 0..<500 { recorder.record(.acked(node: "n\(node)", typeURL: cds, version: "4")) }
        recorder.record(.disconnected(node: "never-seen"))
        #expect(recorder.pendingCount == 0)
        try await recorder.flush()
        #expect(store.head == 4)
        let status = try logbook.proxyStatus()
        #expect(status.nodes.count == 500)
        #expect(status.nodes["n7"]?.acked == [cds: "4", lds: "4", rds: "4"])
        #expect(status.nodes["n7"]?.runningVersion == "4")
    }

    @Test("a NACK identical to the last one is dropped; another message, or after a reconnect, is recorded")
    func nacks() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook)
        recorder.record(.connected(node: "a", cluster: ""))
        recorder.record(.nacked(node: "a", typeURL: lds, version: "2", message: "port taken"))
        recorder.record(.nacked(node: "a", typeURL: lds, version: "2", message: "port taken"))
        recorder.record(.nacked(node: "a", typeURL: lds, version: "2", message: "other"))
        #expect(recorder.pendingCount == 3)
        recorder.record(.disconnected(node: "a"))
        recorder.record(.connected(node: "a", cluster: ""))
        recorder.record(.nacked(node: "a", typeURL: lds, version: "2", message: "other"))
        #expect(recorder.pendingCount == 6)
        try await recorder.flush()
        let nack = try #require(try logbook.proxyStatus().nodes["a"]?.lastNack)
        #expect(nack.message == "other" && nack.version == "2" && nack.typeURL == lds)
        #expect(try logbook.proxyHistory(node: "a").rejections.count == 3)
    }

    @Test("a disconnect and a connect within one flush are both recorded, in order")
    func reconnectWithinAWindow() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook)
        recorder.record(.connected(node: "a", cluster: "edge"))
        try await recorder.flush()
        recorder.record(.disconnected(node: "a"))
        recorder.record(.connected(node: "a", cluster: "edge"))
        try await recorder.flush()
        let types = try store.envelopes(EventQuery()).envelopes.map(\.type)
        #expect(types == ["ProxyConnected", "ProxyDisconnected", "ProxyConnected"])
        #expect(try logbook.proxyStatus().nodes["a"]?.connected == true)
        #expect(try logbook.proxyHistory(node: "a").connections.count == 2)
    }

    @Test("after a restart, nodes the log still shows connected are marked disconnected")
    func restartMarksDisconnected() async throws {
        let dir = try TemporaryDirectory()
        do {
            let (store, logbook) = try openLogbook(dir.path)
            let recorder = try ObservationRecorder(logbook: logbook)
            for node in ["a", "b", "c"] { recorder.record(.connected(node: node, cluster: "edge")) }
            recorder.record(.disconnected(node: "b"))
            try await recorder.flush()
            store.close()
        }
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook)
        #expect(try await recorder.markAllDisconnected() == ["a", "c"])
        #expect(try logbook.proxyStatus().connectedNodes.isEmpty)
        #expect(try store.envelope(at: store.head)?.type == "ProxyDisconnected")
        // Nothing left to mark the second time.
        let head = store.head
        #expect(try await recorder.markAllDisconnected().isEmpty)
        #expect(store.head == head)
        // A node that reconnects is news again.
        recorder.record(.connected(node: "a", cluster: "edge"))
        #expect(recorder.pendingCount == 1)
    }

    @Test("run() flushes every interval and once more when cancelled")
    func runLoop() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let recorder = try ObservationRecorder(logbook: logbook, interval: .milliseconds(10))
        let task = Task { await recorder.run() }
        recorder.record(.connected(node: "a", cluster: ""))
        for _ in 0..<500 where store.head == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(store.head == 1)
        recorder.record(.disconnected(node: "a"))
        task.cancel()
        await task.value
        #expect(store.head == 2)
    }

    @Test("the history has connections and versions run from when to when, and the version at a time")
    func history() async throws {
        let dir = try TemporaryDirectory()
        let clock = ManualClock()
        let (store, logbook) = try openLogbook(dir.path, clock: clock)
        defer { store.close() }
        let t0 = clock.now
        func at(_ offset: Int64, _ observations: ProxyObservation...) async throws {
            clock.advance(by: t0 + offset - clock.now)
            try await logbook.record(observations)
        }
        try await at(0, .connected(node: "a", cluster: "edge"))
        try await at(10, .acked(node: "a", typeURL: cds, version: "3"), .acked(node: "a", typeURL: rds, version: "3"))
        try await at(20, .acked(node: "a", typeURL: rds, version: "5"))
        // CDS catching up to 5 changes nothing: the node already runs 5.
        try await at(25, .acked(node: "a", typeURL: cds, version: "5"))
        try await at(30, .disconnected(node: "a"))
        try await at(40, .connected(node: "a", cluster: "edge"))
        try await at(50, .acked(node: "a", typeURL: cds, version: "5"))
        try await at(55, .nacked(node: "a", typeURL: lds, version: "6", message: "bad"))
        let history = try logbook.proxyHistory(node: "a")
        #expect(
            history.connections.map { [$0.from.map { $0 - t0 }, $0.until.map { $0 - t0 }] } == [[0, 30], [40, nil]])
        #expect(history.versions.map(\.version) == ["3", "5", "5"])
        #expect(
            history.versions.map { [$0.from - t0, $0.until.map { $0 - t0 }] } == [[10, 20], [20, 30], [50, nil]])
        #expect(history.rejections.map(\.message) == ["bad"])
        #expect(history.run(at: t0 + 5) == nil)
        #expect(history.run(at: t0 + 10)?.configurationVersion == 3)
        #expect(history.run(at: t0 + 29)?.configurationVersion == 5)
        #expect(history.run(at: t0 + 35) == nil)
        #expect(history.run(at: t0 + 1_000_000)?.configurationVersion == 5)
        #expect(try logbook.proxyHistory(node: "b").isEmpty)
    }

    @Test("the live status equals a fresh fold of the log, and proxyStatus reads it once")
    func liveStatusMatchesTheLog() async throws {
        let dir = try TemporaryDirectory()
        let clock = ManualClock()
        var (store, logbook) = try openLogbook(dir.path, clock: clock)
        try await logbook.record([.connected(node: "a", cluster: "edge")])
        let before = try logbook.proxyStatus()
        #expect(before.nodes["a"]?.connectedSince == clock.now)
        clock.advance(by: 1000)
        _ = try await logbook.execute(.registerService(service("s")))
        try await logbook.record([.acked(node: "a", typeURL: cds, version: "2"), .connected(node: "b", cluster: "")])
        let live = try logbook.proxyStatus()
        #expect(live.head == 4)
        #expect(live.nodes["a"]?.runningVersion == "2")
        #expect(live.nodes["a"]?.runningSince == clock.now)
        #expect(live.connectedNodes == ["a", "b"])
        store.close()
        (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        #expect(try logbook.proxyStatus() == live)
    }

    @Test("stateUpdates yields the state now, then after each configuration change, not after observations")
    func stateUpdates() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        var updates = logbook.stateUpdates().makeAsyncIterator()
        #expect(await updates.next()?.version == 1)
        try await logbook.record([.connected(node: "n", cluster: "")])
        _ = try await logbook.execute(.registerService(service("b")))
        let next = await updates.next()
        #expect(next?.version == 3)
        #expect(next?.services.count == 2)
        // A slow consumer sees only the newest.
        _ = try await logbook.execute(.registerService(service("c")))
        _ = try await logbook.execute(.registerService(service("d")))
        #expect(await updates.next()?.version == 5)
    }
}

@Suite("Pins through the Logbook")
struct LogbookPinTests {
    @Test("pin to a configuration version, refuse an observation's sequence, unpin")
    func pin() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerProxy(Proxy(id: "proxy-1", httpPort: 10000)))
        _ = try await logbook.execute(.registerService(service("a")))
        try await logbook.record([.connected(node: "proxy-1", cluster: "")])
        let pinned = try await logbook.pin(.node("proxy-1"), to: 2)
        #expect(pinned.version == 4)
        #expect(logbook.state.pins == [.node("proxy-1"): 2])
        let observation = await #expect(throws: LogbookError.self) { try await logbook.pin(.node("proxy-1"), to: 3) }
        #expect(observation?.code == .invalid && observation?.field == "version")
        let future = await #expect(throws: LogbookError.self) { try await logbook.pin(.node("proxy-1"), to: 99) }
        #expect(future?.field == "version")
        _ = try await logbook.execute(.unpinProxy(key: .node("proxy-1")))
        #expect(logbook.state.pins.isEmpty)
        let again = await #expect(throws: LogbookError.self) { try await logbook.execute(.unpinProxy(key: .node("proxy-1"))) }
        #expect(again?.code == .notFound && again?.field == "pin")
        #expect(store.head == 5)
    }
}

@Suite("NodeStatus: what one node runs")
struct NodeStatusTests {
    @Test("a node runs the largest version it acknowledged since it connected")
    func runningVersion() {
        var status = NodeStatus(id: "a")
        status.apply(.connected(node: "a", cluster: ""), at: 0)
        status.apply(.acked(node: "a", typeURL: cds, version: "9"), at: 1)
        status.apply(.acked(node: "a", typeURL: rds, version: "9"), at: 2)
        #expect(status.runningVersion == "9")
        // A pin back to 3: CDS moves first, then RDS; only then does the node run 3.
        status.apply(.acked(node: "a", typeURL: cds, version: "3"), at: 3)
        #expect(status.runningVersion == "9" && status.runningSince == 1)
        status.apply(.acked(node: "a", typeURL: rds, version: "3"), at: 4)
        #expect(status.runningVersion == "3" && status.runningSince == 4)
        status.apply(.disconnected(node: "a"), at: 5)
        #expect(status.runningVersion == nil && !status.connected)
        #expect(status.acked == [cds: "3", rds: "3"])
        status.apply(.connected(node: "a", cluster: "edge"), at: 6)
        #expect(status.acked.isEmpty && status.cluster == "edge" && status.connectedSince == 6)
    }

    @Test("version strings: a decimal, optionally with a suffix, names a configuration version")
    func versionStrings() {
        #expect(NodeStatus.configurationVersion("12") == 12)
        #expect(NodeStatus.configurationVersion("12-3f9a") == 12)
        #expect(NodeStatus.configurationVersion("v12") == nil)
        #expect(NodeStatus.configurationVersion("12abc") == nil)
        #expect(NodeStatus.configurationVersion("") == nil)
        var status = NodeStatus(id: "a")
        status.apply(.acked(node: "a", typeURL: cds, version: "abc"), at: 1)
        #expect(status.runningVersion == "abc")
        status.apply(.acked(node: "a", typeURL: rds, version: "def"), at: 2)
        #expect(status.runningVersion == "def")
    }
}
