import GRPCCore

/// A response already in protobuf wire form: shared resource fields plus this stream's own.
public struct WireResponse: Sendable {
    public let bytes: [UInt8]

    /// A DiscoveryResponse (state of the world).
    static func stateOfTheWorld(type: ResourceType, version: String, resources: [EncodedResource], nonce: String)
        -> WireResponse
    {
        var bytes = ProtoWire.string(field: 1, version)
        bytes.reserveCapacity(resources.reduce(256) { $0 + $1.stateOfTheWorldField.count })
        for resource in resources { bytes += resource.stateOfTheWorldField }
        bytes += ProtoWire.string(field: 4, type.typeURL)
        bytes += ProtoWire.string(field: 5, nonce)
        return WireResponse(bytes: bytes)
    }

    /// A DeltaDiscoveryResponse.
    static func delta(
        type: ResourceType, systemVersion: String, resources: [EncodedResource], removed: [String], nonce: String
    ) -> WireResponse {
        var bytes = ProtoWire.string(field: 1, systemVersion)
        bytes.reserveCapacity(resources.reduce(256) { $0 + $1.deltaField.count })
        for resource in resources { bytes += resource.deltaField }
        bytes += ProtoWire.string(field: 4, type.typeURL)
        bytes += ProtoWire.string(field: 5, nonce)
        for name in removed { bytes += ProtoWire.string(field: 6, name) }
        return WireResponse(bytes: bytes)
    }
}

/// Hands prepared bytes to gRPC as they are.
struct WireResponseSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: WireResponse) throws -> Bytes {
        Bytes(message.bytes)
    }
}
