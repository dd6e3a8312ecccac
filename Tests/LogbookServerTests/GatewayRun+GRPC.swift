import DemoGRPC
import Foundation
import Testing

extension GatewayRun {
    /// All four RPC kinds of the UserService through one Envoy's gRPC listener, with the Swift client.
    func grpcCalls(through proxy: GatewayTopology.Proxy) async throws {
        try await DemoUserClient.connect(host: "127.0.0.1", port: proxy.grpc) { client in
            let user = try await client.getUser(id: "1")
            #expect(!user.value.name.isEmpty, "\(proxy.id) unary")
            #expect(user.instanceName == "grpc-1", "x-backend-instance crosses Envoy")
            let listed = try await client.listUsers()
            #expect(listed.value.count >= 2, "\(proxy.id) server streaming: \(listed.value)")
            let created = try await client.createUsers([
                NewUser(name: "Grace \(proxy.id)", email: "grace-\(proxy.id)@example.com"),
                NewUser(name: "Linus \(proxy.id)", email: "linus-\(proxy.id)@example.com"),
            ])
            #expect(created.value.map(\.name) == ["Grace \(proxy.id)", "Linus \(proxy.id)"], "client streaming")
            let replies = try await client.chat(["hello", "through \(proxy.id)"])
            #expect(replies.value.count == 2, "bidirectional: \(replies.value)")
            #expect(replies.value.last?.contains("through \(proxy.id)") == true)
            await #expect(throws: DemoCallError.self, "NOT_FOUND crosses Envoy") {
                _ = try await client.getUser(id: "no-such-user")
            }
        }
    }

    /// A gRPC-Web call over HTTP/1.1 (what a browser sends) reaches the gRPC service through
    /// Envoy's grpc_web filter: a length-prefixed message in, a message and a trailer frame out.
    func grpcWeb() async throws {
        // GetUserRequest { id: "1" }: field 1, wire type 2, length 1, "1".
        let message: [UInt8] = [0x0A, 0x01, 0x31]
        let frame = Data([0x00, 0x00, 0x00, 0x00, UInt8(message.count)] + message)
        let answer = try await HTTP.request(
            "POST", "http://127.0.0.1:\(proxy.grpc)/demo.user.v1.UserService/GetUser", body: frame,
            headers: ["Content-Type": "application/grpc-web+proto", "X-Grpc-Web": "1", "Accept": "application/grpc-web+proto"])
        #expect(answer.status == 200, "\(answer.status) \(answer.headers)")
        #expect(answer.headers["content-type"]?.hasPrefix("application/grpc-web") == true)
        let body = [UInt8](answer.body)
        try #require(body.count > 5, "a data frame: \(body)")
        #expect(body[0] == 0x00, "the first frame is the message")
        let length = Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4])
        try #require(body.count >= 5 + length + 5, "a trailer frame follows: \(body)")
        #expect(body[5 + length] == 0x80, "the trailer frame flag")
        let trailers = String(decoding: body[(5 + length + 5)...], as: UTF8.self).lowercased()
        #expect(trailers.contains("grpc-status:0"), "OK status in the trailers: \(trailers)")
    }
}
