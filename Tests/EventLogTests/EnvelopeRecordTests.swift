import EventLog
import Foundation
import TestSupport
import Testing

@Suite("EnvelopeRecord: the one JSON shape of an envelope")
struct EnvelopeRecordTests {
    @Test("a header has export's fields and names, without the payload bytes and milliseconds")
    func headerMatchesExport() async throws {
        try await withTemporaryDirectory { root async throws in
            let (lines, envelopes) = try await makeSourceLog(root.sub("source"))
            let header = String(decoding: try CanonicalJSON.encode(EnvelopeRecord(header: envelopes[1])), as: UTF8.self)
            let exported = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any])
            #expect(Set(exported.keys).subtracting(shown.keys) == ["payload", "recorded_at_ms"])
            for (key, value) in shown {
                #expect("\(value)" == "\(exported[key] ?? "absent")", "\(key)")
            }
            #expect(shown["prev_hash"] as? String == Hex.encode(envelopes[0].hash))
            // Canonical: sorted keys, slashes as they are.
            #expect(header.hasPrefix("{\"actor\":\"actor-0\",\"entities\":[\"route/r2\",\"service/s\"],\"hash\":"))
            #expect(header.contains("\"request_id\":\"request/2\""))
        }
    }

    @Test("json(adding:raw:) puts already-encoded JSON after the record's own keys")
    func splicesRawJSON() async throws {
        try await withTemporaryDirectory { root async throws in
            let (_, envelopes) = try await makeSourceLog(root.sub("source"))
            let json = EnvelopeRecord(header: envelopes[0]).json(adding: "event", raw: Data(#"{"b":1,"a":[2]}"#.utf8))
            let text = String(decoding: json, as: UTF8.self)
            #expect(text.hasSuffix(#","event":{"b":1,"a":[2]}}"#))
            let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            #expect(object["seq"] as? Int == 1)
            #expect((object["event"] as? [String: Any])?["b"] as? Int == 1)
        }
    }
}
