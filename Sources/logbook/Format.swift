import EventLog
import Foundation
import Gateway
import LogbookCore
import Logging

/// Formatting shared by the commands that print events and versions.
enum Format {
    static func time(_ milliseconds: Int64) -> String {
        Timestamp.iso8601(milliseconds: milliseconds)
    }

    static func json(_ value: some Encodable) -> String {
        (try? CanonicalJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// One audit line as JSON: the `GET /events` item (`RecordedEvent.json()`).
    static func eventJSON(_ recorded: RecordedEvent) -> String {
        String(decoding: recorded.json(), as: UTF8.self)
    }
}
