import DemoGraphQL
import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite("HTTP: the playground, health, the instance header, a real socket")
struct HTTPTests {
    @Test("GET /graphql without a query serves a self-contained playground page")
    func playground() async throws {
        try await withApp { client in
            let answer = try await client.get("/graphql")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("text/html") == true)
            let page = answer.text
            #expect(page.contains("<textarea id=\"query\""))
            #expect(page.contains("<textarea id=\"variables\""))
            #expect(page.contains(">Run</button>"))
            #expect(page.contains("fetch(window.location.pathname"))
            #expect(page.contains("method: \"POST\""))
            // Nothing loaded from elsewhere: no src/href attributes, no <link>, no URL at all.
            #expect(!page.contains("http"))
            #expect(!page.contains("src="))
            #expect(!page.contains("<link"))
            #expect(!page.contains("@import"))
        }
    }

    @Test("GET /health is 200 JSON naming the instance")
    func health() async throws {
        try await withApp(instanceName: "graphql-7") { client in
            let answer = try await client.get("/health")
            #expect(answer.status == .ok)
            #expect(answer.object["status"] as? String == "ok")
            #expect(answer.object["instance"] as? String == "graphql-7")
        }
    }

    @Test("every answer carries x-backend-instance: queries, errors, the page, health, unknown paths")
    func instanceHeader() async throws {
        try await withApp(instanceName: "graphql-2") { client in
            let answers = [
                try await client.graphQL("{ users { id } }"),
                try await client.graphQL("{ nope }"),
                try await client.post(raw: "not json"),
                try await client.get("/graphql"),
                try await client.get("/health"),
                try await client.get("/missing"),
            ]
            for answer in answers {
                #expect(answer.headers[.init("x-backend-instance")!] == "graphql-2", "\(answer.status)")
            }
        }
    }

    @Test("on a real socket (port 0): the bound port is reported, a query and a mutation work over TCP")
    func live() async throws {
        let reported = Mutex<Int?>(nil)
        let app = try buildApplication(
            configuration: DemoGraphQLConfiguration(port: 0, instanceName: "graphql-live"), store: .seeded()
        ) { port in
            reported.withLock { $0 = port }
        }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            #expect(port > 0)
            #expect(reported.withLock { $0 } == port)
            let created = try await client.graphQL(
                #"mutation { createUser(name: "Live", email: "live@example.com") { id } }"#)
            #expect(created.status == .ok)
            #expect(created.headers[.init("x-backend-instance")!] == "graphql-live")
            #expect(created.data?.object("createUser")?.string("id") == "4")
            let listed = try await client.graphQL("{ users { name } }")
            #expect(listed.data?.list("users").last?.string("name") == "Live")
        }
    }
}
