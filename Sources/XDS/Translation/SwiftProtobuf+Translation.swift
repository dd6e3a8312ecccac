import EnvoyAPI
import Foundation
import Gateway
import SwiftProtobuf

extension BinaryEncodingOptions {
    /// Map entries sorted by key: the encoding every resource hash and version relies on.
    static let deterministic: BinaryEncodingOptions = {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return options
    }()
}

extension Google_Protobuf_Any {
    /// Packs `message` with its bytes encoded deterministically, now. `Google_Protobuf_Any(message:)`
    /// would encode later with default options, which write map fields in dictionary order.
    init(packing message: some SwiftProtobuf.Message) {
        self.init()
        typeURL = "type.googleapis.com/\(type(of: message).protoMessageName)"
        // Cannot throw: proto3 has no required fields, and every Any we nest is packed here, as bytes.
        value = try! message.serializedBytes(partial: true, options: .deterministic)
    }
}

extension Google_Protobuf_Duration {
    init(_ duration: ConfigDuration) {
        self.init(
            seconds: duration.milliseconds / 1000,
            nanos: Int32(duration.milliseconds % 1000) * 1_000_000
        )
    }
}

extension Google_Protobuf_UInt32Value {
    /// Validation keeps counts in range; clamping only keeps an out-of-range value from trapping.
    init(count: Int) {
        self.init(UInt32(clamping: count))
    }
}

extension Envoy_Config_Core_V3_ConfigSource {
    /// "Over the ADS stream this proxy already has", with v3 resources.
    static let aggregatedV3: Envoy_Config_Core_V3_ConfigSource = {
        var source = Envoy_Config_Core_V3_ConfigSource()
        source.ads = Envoy_Config_Core_V3_AggregatedConfigSource()
        source.resourceApiVersion = .v3
        return source
    }()
}
