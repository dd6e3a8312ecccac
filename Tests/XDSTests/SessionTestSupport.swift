import EnvoyAPI
import Foundation
import Synchronization
import SwiftProtobuf

@testable import XDS

/// Records what a session reports, in order.
final class RecordingObserver: StreamObserver {
    enum Note: Equatable {
        case connected(String)
        case disconnected(String)
        case acked(String, ResourceType, String)
        case nacked(String, ResourceType, String, String)
    }

    private let notes = Mutex<[Note]>([])
    var all: [Note] { notes.withLock { $0 } }

    func connected(_ node: NodeIdentity) { notes.withLock { $0.append(.connected(node.id)) } }
    func disconnected(_ node: NodeIdentity) { notes.withLock { $0.append(.disconnected(node.id)) } }
    func acked(_ node: NodeIdentity, type: ResourceType, version: String) {
        notes.withLock { $0.append(.acked(node.id, type, version)) }
    }
    func nacked(_ node: NodeIdentity, type: ResourceType, version: String, message: String) {
        notes.withLock { $0.append(.nacked(node.id, type, version, message)) }
    }
}

/// Small hand-made snapshots: clusters with a marker value, routes that point at clusters.
enum FakeSnapshot {
    /// `routes` maps a route configuration name to the clusters it sends to.
    static func make(
        version: UInt64, clusters: [String: UInt32], routes: [String: [String]] = [:], listeners: [String: String] = [:]
    ) -> NodeSnapshot {
        let clusterResources = clusters.map { name, marker in
            var cluster = Envoy_Config_Cluster_V3_Cluster()
            cluster.name = name
            cluster.connectTimeout = .init(seconds: Int64(marker))
            return EncodedResource(name: name, type: .cluster, message: cluster)
        }
        let endpointResources = clusters.keys.map { name in
            var assignment = Envoy_Config_Endpoint_V3_ClusterLoadAssignment()
            assignment.clusterName = name
            return EncodedResource(name: name, type: .endpoint, message: assignment)
        }
        let routeResources = routes.map { name, targets in
            var configuration = Envoy_Config_Route_V3_RouteConfiguration()
            configuration.name = name
            var host = Envoy_Config_Route_V3_VirtualHost()
            host.name = name
            host.domains = ["*"]
            host.routes = targets.map { target in
                var route = Envoy_Config_Route_V3_Route()
                var action = Envoy_Config_Route_V3_RouteAction()
                action.cluster = target
                route.route = action
                return route
            }
            configuration.virtualHosts = [host]
            return EncodedResource(name: name, type: .route, message: configuration, references: configuration.clusterNames)
        }
        let listenerResources = listeners.map { name, route in
            var listener = Envoy_Config_Listener_V3_Listener()
            listener.name = name
            return EncodedResource(name: name, type: .listener, message: listener, references: [route])
        }
        return NodeSnapshot(
            version: version,
            clusters: ResourceSet(type: .cluster, resources: clusterResources),
            endpoints: ResourceSet(type: .endpoint, resources: endpointResources),
            listeners: ResourceSet(type: .listener, resources: listenerResources),
            routes: ResourceSet(type: .route, resources: routeResources))
    }
}

extension WireResponse {
    var sotw: Envoy_Service_Discovery_V3_DiscoveryResponse {
        get throws { try Envoy_Service_Discovery_V3_DiscoveryResponse(serializedBytes: bytes) }
    }

    var delta: Envoy_Service_Discovery_V3_DeltaDiscoveryResponse {
        get throws { try Envoy_Service_Discovery_V3_DeltaDiscoveryResponse(serializedBytes: bytes) }
    }
}

func sotwRequest(
    _ type: ResourceType, names: [String] = [], version: String = "", nonce: String = "", error: String? = nil
) -> Envoy_Service_Discovery_V3_DiscoveryRequest {
    var request = Envoy_Service_Discovery_V3_DiscoveryRequest()
    request.typeURL = type.typeURL
    request.resourceNames = names
    request.versionInfo = version
    request.responseNonce = nonce
    if let error {
        request.errorDetail.code = 3
        request.errorDetail.message = error
    }
    return request
}

func deltaRequest(
    _ type: ResourceType, subscribe: [String] = [], unsubscribe: [String] = [], initial: [String: String] = [:],
    nonce: String = "", error: String? = nil
) -> Envoy_Service_Discovery_V3_DeltaDiscoveryRequest {
    var request = Envoy_Service_Discovery_V3_DeltaDiscoveryRequest()
    request.typeURL = type.typeURL
    request.resourceNamesSubscribe = subscribe
    request.resourceNamesUnsubscribe = unsubscribe
    request.initialResourceVersions = initial
    request.responseNonce = nonce
    if let error {
        request.errorDetail.code = 3
        request.errorDetail.message = error
    }
    return request
}

extension Envoy_Service_Discovery_V3_DiscoveryResponse {
    var names: [String] {
        resources.compactMap { any in
            switch ResourceType(typeURL: any.typeURL) {
            case .cluster?: try? Envoy_Config_Cluster_V3_Cluster(serializedBytes: any.value).name
            case .endpoint?: try? Envoy_Config_Endpoint_V3_ClusterLoadAssignment(serializedBytes: any.value).clusterName
            case .route?: try? Envoy_Config_Route_V3_RouteConfiguration(serializedBytes: any.value).name
            case .listener?: try? Envoy_Config_Listener_V3_Listener(serializedBytes: any.value).name
            case nil: nil
            }
        }
    }
}
