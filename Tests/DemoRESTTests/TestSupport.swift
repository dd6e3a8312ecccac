import DemoREST
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
import Testing

/// A small inventory whose every answer a test can work out by hand: 3 categories, 7 products,
/// quoted fields with commas and a line break inside one description.
enum Fixture {
    static let csv = """
        id,name,category,price,stock,description
        3,Garden Hose,Garden,25.00,10,"Kink-free, 15 m"
        1,"Hammer, Claw",Tools,19.99,5,Forged steel head
        2,Cordless Drill,Tools,89.50,0,"18 V, two batteries"
        4,Rake,Garden,14.25,30,Wide head for leaves
        7,The Tool Book,Books,30.00,12,"All about hammers,
        drills and saws"
        5,Seed Catalogue,Books,5.00,100,Heirloom seeds for the garden
        6,Pruning Shears,Garden,32.00,8,Bypass blades for clean cuts

        """

    static func inventory() throws -> Inventory {
        try Inventory(csv: csv, source: "fixture.csv")
    }

    /// The products file that ships in the repository.
    static var shippedCSVPath: String {
        repositoryRoot.appendingPathComponent("ops/data/products.csv").path
    }
}

/// Runs `body` against the router in process, over the fixture inventory.
func withBackend(
    instanceName: String = "rest-test", failEvery: Int = 0, logger: Logger = Logger(label: "demo-rest-test"),
    _ body: @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let configuration = DemoRESTConfiguration(port: 0, instanceName: instanceName, failEvery: failEvery)
    let app = buildApplication(configuration: configuration, inventory: try Fixture.inventory(), logger: logger)
    try await app.test(.router) { client in try await body(client) }
}

extension TestClientProtocol {
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

extension TestResponse {
    var json: Any? {
        try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8))
    }

    var object: [String: Any] { json as? [String: Any] ?? [:] }

    /// The `error` member of an error answer.
    var error: [String: Any] { object["error"] as? [String: Any] ?? [:] }

    /// The ids of a product page, in the order answered.
    var ids: [Int] { (object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int } }

    var instance: String? { headers[.backendInstance] }
}

/// Keeps every message logged through it, so a test can read the access log.
final class RecordedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var messages: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "recorded") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: RecordedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.lines.withLock { $0.append(event.message.description) }
        }
    }
}
