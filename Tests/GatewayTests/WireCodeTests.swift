import Testing

@testable import Gateway

@Suite("Binary wire codes and the fold's decode path")
struct WireCodeTests {
    private func read<T>(_ byte: UInt8, _ body: (inout BinaryReader) throws(PayloadError) -> T) throws -> T {
        let bytes = [byte]
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(PayloadError) in
                var reader = BinaryReader(buffer)
                return try body(&reader)
            }
        }
        return try result.get()
    }

    @Test("the switch-based enum readers agree with the wire tables and refuse unknown codes")
    func enumCodes() throws {
        for (code, value) in WireTable.listeners.enumerated() {
            #expect(try read(UInt8(code)) { (r: inout BinaryReader) throws(PayloadError) in try r.readListener() } == value)
        }
        for (code, value) in WireTable.serviceProtocols.enumerated() {
            #expect(
                try read(UInt8(code)) { (r: inout BinaryReader) throws(PayloadError) in try r.readServiceProtocol() }
                    == value)
        }
        for (code, value) in WireTable.lbPolicies.enumerated() {
            #expect(try read(UInt8(code)) { (r: inout BinaryReader) throws(PayloadError) in try r.readLBPolicy() } == value)
        }
        #expect(throws: PayloadError.self) {
            try read(UInt8(WireTable.listeners.count)) { (r: inout BinaryReader) throws(PayloadError) in
                try r.readListener()
            }
        }
        #expect(throws: PayloadError.self) {
            try read(UInt8(WireTable.serviceProtocols.count)) { (r: inout BinaryReader) throws(PayloadError) in
                try r.readServiceProtocol()
            }
        }
        #expect(throws: PayloadError.self) {
            try read(UInt8(WireTable.lbPolicies.count)) { (r: inout BinaryReader) throws(PayloadError) in
                try r.readLBPolicy()
            }
        }
    }

    @Test("decoding from the stored type name's bytes matches decoding by type string")
    func typeNameBytes() throws {
        for event in PayloadCodecTests.everyEvent {
            let payload = event.encodePayload()
            let typeName = Array(event.type.utf8)
            let result = typeName.withUnsafeBytes { name in
                payload.withUnsafeBytes { bytes in
                    Result { () throws(PayloadError) in
                        try GatewayEvent.decode(typeName: name, schemaVersion: event.schemaVersion, payload: bytes)
                    }
                }
            }
            #expect(try result.get() == event)
        }
    }

    @Test("applying consumes nothing the caller still sees")
    func applyLeavesCallerValue() {
        let event = GatewayEvent.routeAdded(route("api", to: "rest-api"))
        var state = GatewayState()
        state.apply(event, seq: 1)
        #expect(state.routes["api"] == route("api", to: "rest-api"))
        #expect(event == .routeAdded(route("api", to: "rest-api")))
    }
}
