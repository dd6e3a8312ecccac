import EventLog
import Foundation
import Gateway
import LogbookCore
import Synchronization

/// A clock the test moves by hand (milliseconds since 1970).
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64 = 1_800_000_000_000) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func advance(by milliseconds: Int64) { value.withLock { $0 += milliseconds } }
}

func openLogbook(_ directory: String, clock: ManualClock? = nil, checkpointInterval: UInt64 = 1000) throws
    -> (LMDBEventStore, Logbook)
{
    var options = EventLogOptions()
    if let clock { options.clock = { clock.now } }
    let store = try LMDBEventStore(directory: directory, options: options)
    return (store, try Logbook(store: store, checkpointInterval: checkpointInterval))
}

func service(_ name: String, port: Int = 8001) -> Service {
    Service(name: name, endpoints: [Endpoint(host: "127.0.0.1", port: port)])
}

func route(_ name: String, to service: String, prefix: String? = nil) -> Route {
    Route(name: name, match: RouteMatch(prefix: prefix ?? "/\(name)/"), destination: .service(service))
}
