import EnvoyAPI
import Foundation
import SwiftProtobuf

/// Envoy resources in Envoy's own JSON form (proto3 JSON, snake_case field names, "@type" on every
/// Any), for people and tools: `logbook export`, diffs, a static bootstrap, `envoy --mode validate`.
public enum ConfigRenderer {
    /// Every message type the translator packs into an Any, plus the four resource types.
    /// A type missing here cannot be rendered: JSON needs to expand an Any's bytes into fields.
    static let anyMessageTypes: [any SwiftProtobuf.Message.Type] = [
        Envoy_Config_Cluster_V3_Cluster.self,
        Envoy_Config_Endpoint_V3_ClusterLoadAssignment.self,
        Envoy_Config_Listener_V3_Listener.self,
        Envoy_Config_Route_V3_RouteConfiguration.self,
        Envoy_Extensions_Filters_Network_HttpConnectionManager_V3_HttpConnectionManager.self,
        Envoy_Extensions_Filters_Http_Cors_V3_Cors.self,
        Envoy_Extensions_Filters_Http_Cors_V3_CorsPolicy.self,
        Envoy_Extensions_Filters_Http_GrpcWeb_V3_GrpcWeb.self,
        Envoy_Extensions_Filters_Http_GrpcStats_V3_FilterConfig.self,
        Envoy_Extensions_Filters_Http_Router_V3_Router.self,
        Envoy_Extensions_Filters_Http_LocalRatelimit_V3_LocalRateLimit.self,
        Envoy_Extensions_AccessLoggers_File_V3_FileAccessLog.self,
        Envoy_Extensions_Upstreams_Http_V3_HttpProtocolOptions.self,
    ]

    /// SwiftProtobuf 1.x resolves an Any's type URL through one process-wide registry; registering
    /// the same type again is a no-op, so doing it once, lazily, is enough.
    private static let registration: Void = {
        for type in anyMessageTypes { Google_Protobuf_Any.register(messageType: type) }
    }()

    private static let protobufOptions: JSONEncodingOptions = {
        var options = JSONEncodingOptions()
        options.preserveProtoFieldNames = true
        options.useDeterministicOrdering = true
        return options
    }()

    /// Object keys sorted: SwiftProtobuf writes a google.protobuf.Struct (the access-log format) in
    /// dictionary order, which differs from one process to the next.
    private static let documentOptions: JSONSerialization.WritingOptions = [
        .sortedKeys, .withoutEscapingSlashes, .prettyPrinted,
    ]

    /// One message as a JSON object.
    public static func json(_ message: any SwiftProtobuf.Message) throws -> Data {
        try JSONSerialization.data(withJSONObject: try object(message), options: documentOptions)
    }

    /// Messages as a JSON array, in the order given.
    public static func json(_ messages: [any SwiftProtobuf.Message]) throws -> Data {
        try JSONSerialization.data(withJSONObject: try messages.map(object(_:)), options: documentOptions)
    }

    /// `{"clusters": [...], "endpoints": [...], "listeners": [...], "routes": [...]}`, each list in the
    /// order given (the translator's is by name).
    public static func json(
        clusters: [Envoy_Config_Cluster_V3_Cluster],
        loadAssignments: [Envoy_Config_Endpoint_V3_ClusterLoadAssignment],
        listeners: [Envoy_Config_Listener_V3_Listener],
        routeConfigurations: [Envoy_Config_Route_V3_RouteConfiguration]
    ) throws -> Data {
        let document: [String: Any] = [
            "clusters": try clusters.map(object(_:)),
            "endpoints": try loadAssignments.map(object(_:)),
            "listeners": try listeners.map(object(_:)),
            "routes": try routeConfigurations.map(object(_:)),
        ]
        return try JSONSerialization.data(withJSONObject: document, options: documentOptions)
    }

    private static func object(_ message: any SwiftProtobuf.Message) throws -> Any {
        _ = registration
        let data = try message.jsonUTF8Data(options: protobufOptions)
        return try JSONSerialization.jsonObject(with: data)
    }
}
