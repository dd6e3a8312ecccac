import EventLog
import Foundation
import TestSupport
import Testing

/// Ten events recorded at 1000, 2000, … 10000 ms, so reads by time have known answers:
///
/// | seq | type | actor | entities | kind |
/// | odd | ServiceRegistered | alice (1-5), bob (6-10) | service/rest (+ service/grpc when seq % 3 == 0) | configuration |
/// | even | RouteChanged | … | route/r<seq> (+ service/grpc when seq % 3 == 0) | configuration, seq 10 observation |
private func withTenEvents<T>(_ body: (LMDBEventStore) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { root async throws in
        let clock = ManualClock(0)
        return try await withStore(root.sub("log"), testOptions(clock: clock.function)) { store async throws in
            for sequence in 1...10 {
                clock.set(Int64(sequence) * 1000)
                var entities = sequence % 2 == 1 ? ["service/rest"] : ["route/r\(sequence)"]
                if sequence % 3 == 0 { entities.append("service/grpc") }
                let newEvent = event(
                    sequence % 2 == 1 ? "ServiceRegistered" : "RouteChanged",
                    kind: sequence == 10 ? .observation : .configuration, entities: entities,
                    payload: numberedPayload(sequence))
                let result = try await store.append(
                    request([newEvent], actor: sequence <= 5 ? "alice" : "bob", requestID: "req-\(sequence)"))
                try #require(result.sequences == UInt64(sequence)...UInt64(sequence))
            }
            return try await body(store)
        }
    }
}

/// Runs `query` page by page through `nextCursor`, returning each page's sequences.
private func pages(_ store: LMDBEventStore, _ query: EventQuery, maxPages: Int = 20) throws -> [[UInt64]] {
    var query = query
    var pages = [[UInt64]]()
    for _ in 0..<maxPages {
        let page = try store.envelopes(query)
        pages.append(page.envelopes.map(\.sequence))
        guard let next = page.nextCursor else { return pages }
        query.cursor = next
    }
    Issue.record("paging did not end after \(maxPages) pages")
    return pages
}

private func sequences(_ store: LMDBEventStore, _ configure: (inout EventQuery) -> Void) throws -> [UInt64] {
    var query = EventQuery()
    configure(&query)
    return try store.envelopes(query).envelopes.map(\.sequence)
}

@Suite("Reading the event log")
struct ReadTests {
    @Test("envelopes by sequence, forwards, with a limit and cursor paging")
    func forwardsPaging() async throws {
        try await withTenEvents { store async throws in
            var query = EventQuery()
            query.limit = 3
            let first = try store.envelopes(query)
            #expect(first.envelopes.map(\.sequence) == [1, 2, 3])
            #expect(first.nextCursor == 3)
            #expect(try pages(store, query) == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]])
            // The default limit covers the whole log in one page with no next cursor.
            let all = try store.envelopes(EventQuery())
            #expect(all.envelopes.map(\.sequence) == Array(1...10))
            #expect(all.nextCursor == nil)
            #expect(all.envelopes == (try allEnvelopes(store)))
            // A cursor means "after".
            #expect(try sequences(store) { $0.cursor = 8 } == [9, 10])
            #expect(try sequences(store) { $0.cursor = 10 } == [])
        }
    }

    @Test("envelopes by sequence, backwards, with a limit and cursor paging")
    func backwardsPaging() async throws {
        try await withTenEvents { store async throws in
            var query = EventQuery()
            query.descending = true
            query.limit = 4
            #expect(try pages(store, query) == [[10, 9, 8, 7], [6, 5, 4, 3], [2, 1]])
            // A cursor means "before" when descending.
            #expect(
                try sequences(store) {
                    $0.descending = true; $0.cursor = 3
                } == [2, 1])
            #expect(
                try sequences(store) {
                    $0.descending = true; $0.cursor = 1
                } == [])
            #expect(
                try sequences(store) {
                    $0.descending = true; $0.cursor = 100
                } == Array((1...10).reversed()))
        }
    }

    @Test("a limit that divides the log exactly ends with an empty page")
    func exactLimit() async throws {
        try await withTenEvents { store async throws in
            var query = EventQuery()
            query.limit = 5
            let paged = try pages(store, query)
            #expect(paged.flatMap { $0 } == Array(1...10))
            #expect(Array(paged.prefix(2)) == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
            // A full last page may still carry a cursor; the page after it is then empty.
            #expect(paged.count <= 3)
            #expect(paged.dropFirst(2).allSatisfy { $0.isEmpty })
        }
    }

    @Test("envelopes by time range: since inclusive, until exclusive, both directions")
    func byTimeRange() async throws {
        try await withTenEvents { store async throws in
            #expect(
                try sequences(store) {
                    $0.since = 3_000; $0.until = 6_000
                } == [3, 4, 5])
            #expect(
                try sequences(store) {
                    $0.since = 3_000; $0.until = 6_000; $0.descending = true
                } == [5, 4, 3])
            #expect(
                try sequences(store) {
                    $0.since = 2_500; $0.until = 3_500
                } == [3])
            #expect(try sequences(store) { $0.since = 9_000 } == [9, 10])
            #expect(try sequences(store) { $0.until = 2_500 } == [1, 2])
            #expect(
                try sequences(store) {
                    $0.until = 2_500; $0.descending = true
                } == [2, 1])
            #expect(
                try sequences(store) {
                    $0.since = 8_000; $0.descending = true
                } == [10, 9, 8])
            #expect(try sequences(store) { $0.since = 11_000 } == [])
            #expect(try sequences(store) { $0.until = 1_000 } == [])
            #expect(
                try sequences(store) {
                    $0.since = 4_000; $0.until = 4_000
                } == [])
            let envelopes = try store.envelopes(
                {
                    var q = EventQuery(); q.since = 4_000; q.until = 5_000; return q
                }())
            #expect(envelopes.envelopes.map(\.recordedAt) == [4_000])
        }
    }

    @Test("a time range pages with the cursor, in both directions")
    func timeRangePaging() async throws {
        try await withTenEvents { store async throws in
            var query = EventQuery()
            query.since = 2_000
            query.until = 9_000
            query.limit = 3
            #expect(try pages(store, query) == [[2, 3, 4], [5, 6, 7], [8]])
            query.descending = true
            #expect(try pages(store, query) == [[8, 7, 6], [5, 4, 3], [2]])
        }
    }

    @Test("envelopes by entity, both directions, with paging")
    func byEntity() async throws {
        try await withTenEvents { store async throws in
            #expect(try sequences(store) { $0.entity = "service/rest" } == [1, 3, 5, 7, 9])
            #expect(
                try sequences(store) {
                    $0.entity = "service/rest"; $0.descending = true
                } == [9, 7, 5, 3, 1])
            #expect(try sequences(store) { $0.entity = "service/grpc" } == [3, 6, 9])
            #expect(try sequences(store) { $0.entity = "route/r4" } == [4])
            #expect(try sequences(store) { $0.entity = "route/r" } == [])
            #expect(try sequences(store) { $0.entity = "service" } == [])
            #expect(try sequences(store) { $0.entity = "nobody" } == [])
            var query = EventQuery()
            query.entity = "service/rest"
            query.limit = 2
            #expect(try pages(store, query) == [[1, 3], [5, 7], [9]])
            query.descending = true
            #expect(try pages(store, query) == [[9, 7], [5, 3], [1]])
            // Entity combined with time and direction.
            #expect(
                try sequences(store) {
                    $0.entity = "service/rest"; $0.since = 3_000; $0.until = 8_000; $0.descending = true
                } == [7, 5, 3])
        }
    }

    @Test("envelopes by type, actor and kind, alone and combined")
    func byTypeActorKind() async throws {
        try await withTenEvents { store async throws in
            #expect(try sequences(store) { $0.types = ["RouteChanged"] } == [2, 4, 6, 8, 10])
            #expect(try sequences(store) { $0.types = ["RouteChanged", "ServiceRegistered"] } == Array(1...10))
            #expect(try sequences(store) { $0.types = ["Unknown"] } == [])
            #expect(try sequences(store) { $0.actor = "bob" } == [6, 7, 8, 9, 10])
            #expect(
                try sequences(store) {
                    $0.actor = "alice"; $0.descending = true
                } == [5, 4, 3, 2, 1])
            #expect(try sequences(store) { $0.kinds = [.observation] } == [10])
            #expect(try sequences(store) { $0.kinds = [.configuration] } == Array(1...9))
            #expect(
                try sequences(store) {
                    $0.types = ["ServiceRegistered"]; $0.actor = "bob"
                } == [7, 9])
            #expect(
                try sequences(store) {
                    $0.types = ["RouteChanged"]; $0.entity = "service/grpc"; $0.actor = "bob"
                }
                    == [6])
            // The limit counts matches, not events looked at.
            var query = EventQuery()
            query.actor = "bob"
            query.limit = 2
            #expect(try pages(store, query) == [[6, 7], [8, 9], [10]])
        }
    }

    @Test("sequence(atOrBefore:) finds the last event recorded at or before a time")
    func sequenceAtOrBefore() async throws {
        try await withTenEvents { store async throws in
            #expect(try store.sequence(atOrBefore: 0) == 0)
            #expect(try store.sequence(atOrBefore: 999) == 0)
            #expect(try store.sequence(atOrBefore: 1_000) == 1)
            #expect(try store.sequence(atOrBefore: 2_500) == 2)
            #expect(try store.sequence(atOrBefore: 9_999) == 9)
            #expect(try store.sequence(atOrBefore: 10_000) == 10)
            #expect(try store.sequence(atOrBefore: Int64.max) == 10)
        }
    }

    @Test("times before 1970 are before every event")
    func negativeTimes() async throws {
        try await withTenEvents { store async throws in
            #expect(try store.sequence(atOrBefore: -1) == 0)
            #expect(try sequences(store) { $0.since = -86_400_000 } == Array(1...10))
            #expect(
                try sequences(store) {
                    $0.since = -86_400_000; $0.descending = true
                } == Array((1...10).reversed()))
        }
    }

    @Test("sequence(atOrBefore:) on an empty log is 0")
    func sequenceAtOrBeforeEmpty() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                #expect(try store.sequence(atOrBefore: Int64.max) == 0)
                #expect(
                    try store.envelopes(
                        {
                            var q = EventQuery(); q.since = 0; return q
                        }()
                    ).envelopes.isEmpty)
            }
        }
    }

    @Test("scan(after:through:) visits envelopes in place, in order, reading header fields without decoding")
    func scanInPlace() async throws {
        try await withTenEvents { store async throws in
            var seen = [(UInt64, EventKind?, String, UInt16, [UInt8])]()
            var decoded = [Envelope]()
            try store.scan(after: 7, through: 10) { view throws in
                seen.append(
                    (try view.sequence, view.kind, try view.type, try view.schemaVersion, Array(try view.payload)))
                decoded.append(try view.decode())
            }
            #expect(seen.map(\.0) == [8, 9, 10])
            #expect(seen.map(\.1) == [.configuration, .configuration, .observation])
            #expect(seen.map(\.2) == ["RouteChanged", "ServiceRegistered", "RouteChanged"])
            #expect(seen.map(\.3) == [1, 1, 1])
            #expect(seen.map(\.4) == [numberedPayload(8), numberedPayload(9), numberedPayload(10)])
            #expect(decoded == (8...10).compactMap { try? store.envelope(at: $0) })
            var count = 0
            try store.scan(after: 0, through: 3) { _ in count += 1 }
            #expect(count == 3)
            try store.scan(after: 5, through: 5) { _ in Issue.record("an empty range visited an event") }
            try store.scan(after: 10, through: 20) { _ in Issue.record("nothing lies after the head") }
        }
    }

    @Test("checkpoints are saved and found with checkpoint(atOrBefore:), also after reopening")
    func checkpoints() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 10)
                #expect(try store.checkpoint(atOrBefore: 10) == nil)
                try await store.saveCheckpoint(sequence: 3, state: Array("state@3".utf8))
                try await store.saveCheckpoint(sequence: 7, state: Array("state@7".utf8))
                #expect(try store.checkpoint(atOrBefore: 2) == nil)
                #expect(try store.checkpoint(atOrBefore: 3).map { $0.sequence } == 3)
                #expect(try store.checkpoint(atOrBefore: 6).map { $0.state } == Array("state@3".utf8))
                #expect(try store.checkpoint(atOrBefore: 7).map { $0.state } == Array("state@7".utf8))
                #expect(try store.checkpoint(atOrBefore: 100).map { $0.sequence } == 7)
                // A checkpoint saved again at the same sequence replaces the old one.
                try await store.saveCheckpoint(sequence: 7, state: Array("state@7b".utf8))
                #expect(try store.checkpoint(atOrBefore: 7).map { $0.state } == Array("state@7b".utf8))
                // Checkpoints are not events.
                #expect(store.head == 10)
            }
            try await withStore(root.sub("log")) { store async throws in
                let found = try #require(try store.checkpoint(atOrBefore: 9))
                #expect(found.sequence == 7)
                #expect(found.state == Array("state@7b".utf8))
            }
        }
    }
}
