import Crypto
import EnvoyAPI
import SwiftProtobuf

/// One Envoy resource, serialized once per version and shared by every stream that gets it.
///
/// Streams never re-encode a resource: a response is the concatenation of these prepared
/// fields plus the stream's own version and nonce (see `WireResponse`). A class, so the
/// thousands of streams that hold one share it for a single reference count.
public final class EncodedResource: Sendable {
    public let name: String
    /// The deterministic serialization of the resource message itself.
    public let bytes: [UInt8]
    /// The resource's own version (delta xDS): a hash of its bytes, so equal bytes give equal versions.
    public let version: String
    /// Order-independent share of a set's fingerprint; see `ResourceSet.fingerprint(of:)`.
    let fingerprint: UInt64
    /// Field 2 of a DiscoveryResponse: the resource as a google.protobuf.Any.
    let stateOfTheWorldField: [UInt8]
    /// Field 2 of a DeltaDiscoveryResponse: a Resource carrying name, version and the Any.
    let deltaField: [UInt8]
    /// What this resource refers to by name: the clusters of a route configuration, the route
    /// configurations of a listener. Make-before-break ordering follows these.
    let references: [String]

    init(name: String, type: ResourceType, message: some SwiftProtobuf.Message, references: [String] = []) {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        // A generated message always serializes; the only failure is a missing required field, which proto3 lacks.
        let bytes: [UInt8] = (try? message.serializedBytes(options: options)) ?? []
        let digest = Array(SHA256.hash(data: bytes))
        self.name = name
        self.bytes = bytes
        self.version = digest.prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        var nameHash = SHA256()
        nameHash.update(data: Array(name.utf8))
        nameHash.update(data: digest)
        self.fingerprint = Array(nameHash.finalize()).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        let any = ProtoWire.anyMessage(typeURL: type.typeURL, value: bytes)
        self.stateOfTheWorldField = ProtoWire.lengthDelimited(field: 2, any)
        var resource = [UInt8]()
        resource += ProtoWire.string(field: 1, version)
        resource += ProtoWire.lengthDelimited(field: 2, any)
        resource += ProtoWire.string(field: 3, name)
        self.deltaField = ProtoWire.lengthDelimited(field: 2, resource)
        self.references = references
    }

    /// The resource as a google.protobuf.Any, for JSON rendering and tests.
    public func any(of type: ResourceType) -> Google_Protobuf_Any {
        var any = Google_Protobuf_Any()
        any.typeURL = type.typeURL
        any.value = Data(bytes)
        return any
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

import Foundation
