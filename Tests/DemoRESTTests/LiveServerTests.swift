import DemoREST
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceLifecycle
import Testing

@Suite("the backend on a real socket")
struct LiveServerTests {
    @Test("bound to port 0 it reports the real port and answers over TCP, then stops gracefully")
    func live() async throws {
        let configuration = DemoRESTConfiguration(
            port: 0, instanceName: "rest-live", dataPath: Fixture.shippedCSVPath, failEvery: 0)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildApplication(configuration: configuration) { port in continuation.yield(port) }
        let services = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            #expect(port > 0)
            do {
                try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    let health = try await client.get("/health")
                    #expect(health.status == .ok)
                    #expect(health.headers[.backendInstance] == "rest-live")
                    let page = try await client.get("/api/products?category=Books&per_page=5")
                    #expect(page.status == .ok)
                    let text = page.body.map { String(buffer: $0) } ?? ""
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    #expect(object?["total"] as? Int == 8)
                    #expect((object?["items"] as? [Any])?.count == 5)
                    let missing = try await client.get("/api/products/4040")
                    #expect(missing.status == .notFound)
                    #expect(missing.headers[.backendInstance] == "rest-live")
                }
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    @Test("a bad data file stops the build with an error naming the file")
    func badDataFile() {
        let configuration = DemoRESTConfiguration(port: 0, dataPath: "/nonexistent/products.csv")
        #expect(throws: InventoryError(source: "/nonexistent/products.csv", "no such file")) {
            _ = try buildApplication(configuration: configuration)
        }
    }
}
