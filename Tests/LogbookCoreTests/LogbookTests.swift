import EventLog
import Foundation
import Gateway
import LogbookCore
import TestSupport
import Testing

@Suite("Logbook: decide, append, project")
struct LogbookTests {
    @Test("a command appends its events durably and the version is the last event's sequence")
    func appendsAndVersions() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let first = try await logbook.execute(.registerService(service("rest-api")))
        #expect(first.events.map(\.sequence) == [1])
        #expect(first.version == 1)
        let second = try await logbook.execute(.addRoute(route("api", to: "rest-api")))
        #expect(second.version == 2)
        #expect(store.head == 2)
        #expect(logbook.state.routes["api"]?.destination == .service("rest-api"))
        #expect(try store.envelope(at: 2)?.entities == ["route/api"])
    }

    @Test("a refused command appends nothing and names the field")
    func refusedCommandsAppendNothing() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("rest-api")))
        _ = try await logbook.execute(.addRoute(route("api", to: "rest-api")))
        let refusals: [(GatewayCommand, LogbookError.Code)] = [
            (.registerService(service("rest-api")), .duplicate),
            (.removeService(name: "rest-api"), .inUse),
            (.removeService(name: "nope"), .notFound),
            (.addRoute(route("dangling", to: "missing")), .invalid),
            (.registerService(service("bad/name")), .invalid),
        ]
        for (command, code) in refusals {
            let error = await #expect(throws: LogbookError.self) { try await logbook.execute(command) }
            #expect(error?.code == code)
            #expect(error?.field?.isEmpty == false)
            #expect(store.head == 2)
        }
    }

    @Test("If-Match with a stale version is refused with precondition_failed")
    func optimisticConcurrency() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        let error = await #expect(throws: LogbookError.self) {
            try await logbook.execute(.registerService(service("b")), context: RequestContext(expectedVersion: 0))
        }
        #expect(error?.code == .preconditionFailed)
        #expect(store.head == 1)
        let ok = try await logbook.execute(.registerService(service("b")), context: RequestContext(expectedVersion: 1))
        #expect(ok.version == 2)
    }

    @Test("a retry with the same idempotency key gets the first answer and appends nothing")
    func idempotency() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let context = RequestContext(idempotencyKey: "k1", requestDigest: [1, 2, 3])
        let first = try await logbook.execute(.registerService(service("a")), context: context)
        let retry = try await logbook.execute(.registerService(service("a")), context: context)
        #expect(retry.replayed)
        #expect(retry.events == first.events)
        #expect(retry.version == first.version)
        #expect(store.head == 1)
        let mismatch = await #expect(throws: LogbookError.self) {
            try await logbook.execute(
                .registerService(service("b")), context: RequestContext(idempotencyKey: "k1", requestDigest: [9]))
        }
        #expect(mismatch?.code == .idempotencyMismatch)
        #expect(store.head == 1)
    }

    @Test("an update that changes nothing appends nothing and answers with the unchanged version")
    func noOpUpdate() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        let result = try await logbook.execute(.updateService(service("a")))
        #expect(result.events.isEmpty)
        #expect(result.version == 1)
        #expect(store.head == 1)
    }

    @Test("rolling back to v2 restores v2's services and routes but keeps the proxies")
    func rollback() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        _ = try await logbook.execute(.addRoute(route("r", to: "a")))
        let v2 = logbook.state
        _ = try await logbook.execute(.registerService(service("b", port: 9000)))
        _ = try await logbook.execute(.changeRoute(route("r", to: "b")))
        _ = try await logbook.execute(.registerProxy(Proxy(id: "proxy-1", httpPort: 10000)))
        let result = try await logbook.rollback(to: 2, reason: "bad deploy")
        #expect(result.version == 6)
        let state = logbook.state
        #expect(state.services == v2.services)
        #expect(state.routes == v2.routes)
        #expect(state.proxies.keys.sorted() == [.node("proxy-1")])
        let events = try logbook.events(EventQuery())
        #expect(events.events.last?.event.type == "ConfigRolledBack")
        // Nothing to restore the second time: nothing appended.
        let again = try await logbook.rollback(to: 2, reason: "again")
        #expect(again.events.isEmpty)
        #expect(store.head == 6)
        // A version past the head is refused.
        await #expect(throws: LogbookError.self) { try await logbook.rollback(to: 99, reason: "future") }
        #expect(store.head == 6)
    }

    @Test("the state at a time is the state after the last event recorded by then")
    func stateAtTime() async throws {
        let dir = try TemporaryDirectory()
        let clock = ManualClock()
        let (store, logbook) = try openLogbook(dir.path, clock: clock)
        defer { store.close() }
        let t0 = clock.now
        _ = try await logbook.execute(.registerService(service("a")))
        clock.advance(by: 60_000)
        _ = try await logbook.execute(.registerService(service("b")))
        #expect(try logbook.state(atTime: t0 - 1).services.isEmpty)
        #expect(try logbook.state(atTime: t0 + 30_000).services.keys.sorted() == ["a"])
        #expect(try logbook.state(atTime: t0 + 60_000).services.keys.sorted() == ["a", "b"])
    }

    @Test("versions lists every configuration change with actor and summary, skipping markers")
    func versions() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        let config = DeclarativeConfig(services: [service("a"), service("b")], routes: [route("r", to: "a")])
        _ = try await logbook.execute(
            .applyDeclarative(config, sourceHash: "abc"), context: RequestContext(actor: "alice"))
        #expect(store.head == 4)
        let versions = try logbook.versions().versions
        #expect(versions.map(\.version) == [1, 2, 3])
        #expect(versions.allSatisfy { $0.actor == "alice" })
        #expect(logbook.state.version == 3)
        let again = try await logbook.execute(.applyDeclarative(config, sourceHash: "abc"))
        #expect(again.events.isEmpty)
        #expect(store.head == 4)
    }

    @Test("64 concurrent commands are all acknowledged, present, and numbered without gaps")
    func concurrentCommands() async throws {
        let dir = try TemporaryDirectory()
        let (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        _ = try await logbook.execute(.registerService(service("a")))
        let sequences = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for index in 0..<64 {
                group.addTask { try await logbook.execute(.addRoute(route("r\(index)", to: "a"))).events[0].sequence }
            }
            return try await group.reduce(into: [UInt64]()) { $0.append($1) }
        }
        #expect(sequences.sorted() == Array(2...65))
        #expect(logbook.state.routes.count == 64)
        #expect(try store.verify().isValid)
        store.close()
        let (reopened, again) = try openLogbook(dir.path)
        defer { reopened.close() }
        #expect(again.state.routes.count == 64)
    }

    @Test("a reopened log projects to the same state and the same version")
    func reopen() async throws {
        let dir = try TemporaryDirectory()
        var (store, logbook) = try openLogbook(dir.path)
        _ = try await logbook.execute(.registerService(service("a")))
        _ = try await logbook.execute(.registerService(service("b")))
        let before = logbook.state
        store.close()
        (store, logbook) = try openLogbook(dir.path)
        defer { store.close() }
        #expect(logbook.state == before)
        #expect(logbook.state.encoded() == before.encoded())
    }
}
