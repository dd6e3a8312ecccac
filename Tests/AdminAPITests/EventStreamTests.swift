import AdminAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// One server-sent event block.
struct SentEvent {
    var event = ""
    var id = ""
    var data = ""

    static func parse(_ text: String) -> [SentEvent] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var sent = SentEvent()
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { sent.event = String(line.dropFirst(7)) }
                if line.hasPrefix("id: ") { sent.id = String(line.dropFirst(4)) }
                if line.hasPrefix("data: ") { sent.data += line.dropFirst(6) }
            }
            return sent.id.isEmpty ? nil : sent
        }
    }

    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
    }
}

@Suite("GET /events/stream")
struct EventStreamTests {
    @Test("catches up from after_seq, then follows a live append, one event/id/data block each")
    func catchUpThenLive() async throws {
        try await withAPI { client, _ in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("a"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("b", port: 8002))
            let text = try await withTimeout(seconds: 20) {
                try await withThrowingTaskGroup(of: String?.self) { group in
                    group.addTask { try await client.send(.get, "/events/stream?after_seq=0&limit=3").text }
                    group.addTask {
                        // Appended after the stream has caught up, so only the live path delivers it.
                        try await Task.sleep(for: .milliseconds(300))
                        _ = try await client.send(.post, "/services/add", json: Fixture.service("c", port: 8003))
                        return nil
                    }
                    var body = ""
                    for try await result in group { if let result { body = result } }
                    return body
                }
            }
            let events = SentEvent.parse(text)
            #expect(events.map(\.id) == ["1", "2", "3"], "\(text)")
            #expect(events.map(\.event) == ["ServiceRegistered", "ServiceRegistered", "ServiceRegistered"])
            #expect(events.last?.object["seq"] as? Int == 3)
            #expect((events.last?.object["event"] as? [String: Any])?["name"] as? String == "c")
            #expect(events.first?.object["actor"] as? String == "anonymous")
        }
    }

    @Test("data is the same JSON as one /events item; Last-Event-ID resumes after it")
    func sameShapeAsEvents() async throws {
        try await withAPI { client, _ in
            _ = try await client.send(.post, "/services/add", json: Fixture.service("a"))
            _ = try await client.send(.post, "/services/add", json: Fixture.service("b", port: 8002))
            let streamed = try await withTimeout(seconds: 20) {
                try await client.send(.get, "/events/stream?limit=1", headers: [.lastEventIDForTests: "1"])
            }
            #expect(streamed.headers[.contentType] == "text/event-stream")
            let events = SentEvent.parse(streamed.text)
            #expect(events.map(\.id) == ["2"])
            let page = try await client.send(.get, "/events?after_seq=1&limit=1").object
            let item = try #require((page["events"] as? [[String: Any]])?.first)
            let expected = try JSONSerialization.data(withJSONObject: item, options: .sortedKeys)
            let actual = try JSONSerialization.data(withJSONObject: events[0].object, options: .sortedKeys)
            #expect(expected == actual)
        }
    }

    @Test("a bad after_seq, limit or Last-Event-ID is a 400 in the error shape")
    func badParameters() async throws {
        try await withAPI { client, harness in
            try await expectRejected(
                client, harness, .get, "/events/stream?after_seq=x", status: .badRequest, field: "after_seq")
            try await expectRejected(
                client, harness, .get, "/events/stream?limit=0", status: .badRequest, field: "limit")
            try await expectRejected(
                client, harness, .get, "/events/stream", headers: [.lastEventIDForTests: "abc"], status: .badRequest,
                field: "Last-Event-ID")
        }
    }

    @Test("a live stream over TCP delivers events and a graceful shutdown ends it")
    func liveStreamEndsOnShutdown() async throws {
        try await withTimeout(seconds: 30) {
            try await withLiveServer { port, harness in
                try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    _ = try await client.post(
                        "/services/add", headers: .json(), body: ByteBuffer(string: Fixture.service("a")))
                    let response = try await client.get("/events/stream?after_seq=0&limit=1")
                    let text = response.body.map { String(buffer: $0) } ?? ""
                    #expect(SentEvent.parse(text).map(\.id) == ["1"], "\(text)")
                }
                #expect(harness.head == 1)
            }
        }
    }
}

extension HTTPField.Name {
    static let lastEventIDForTests = HTTPField.Name("Last-Event-ID")!
}
