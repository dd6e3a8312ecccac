import Foundation
import Gateway
import LogbookCore
import Yams

/// The files `logbook up` derives from ops/: the gateway file and Envoy bootstraps with the
/// plan's ports. With the default plan they say what the originals say.
enum GatewayPlan {
    /// Endpoints on a default backend port move to that backend's planned addresses (the REST
    /// service gets one endpoint per replica); proxies take their planned ports by id.
    static func rewrite(_ config: DeclarativeConfig, for plan: PortPlan) -> DeclarativeConfig {
        let moved: [Int: [Int]] = [
            PortPlan.defaultRESTPort: plan.rest, PortPlan.defaultGraphQLPort: [plan.graphql],
            PortPlan.defaultGRPCPort: [plan.grpc],
        ]
        var result = config
        result.services = config.services?.map { service in
            var service = service
            service.endpoints = service.endpoints.flatMap { endpoint -> [Endpoint] in
                guard isLoopback(endpoint.host), let ports = moved[endpoint.port] else { return [endpoint] }
                return ports.map { Endpoint(host: endpoint.host, port: $0) }
            }
            return service
        }
        result.proxies = config.proxies?.map { proxy in
            guard let ports = plan.proxies.first(where: { $0.id == proxy.id }) else { return proxy }
            var proxy = proxy
            proxy.httpPort = ports.http
            proxy.grpcPort = ports.grpc
            proxy.adminPort = ports.admin
            return proxy
        }
        return result
    }

    static func isLoopback(_ host: String) -> Bool { host == "127.0.0.1" || host == "localhost" }

    static func yaml(_ config: DeclarativeConfig) throws -> String {
        "# Written by `logbook up` from the gateway file with this run's ports.\n"
            + (try YAMLEncoder().encode(config))
    }

    /// An Envoy bootstrap from ops/envoy with its admin port and the xDS cluster's port replaced.
    struct Bootstrap {
        let nodeID: String
        let path: String
        private var document: [String: Any]

        init(path: String) throws {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw UpError("cannot read the Envoy bootstrap \(path)")
            }
            guard let document = try Yams.load(yaml: text) as? [String: Any],
                let node = document["node"] as? [String: Any], let id = node["id"] as? String
            else { throw UpError("\(path): not an Envoy bootstrap with node.id") }
            self.path = path
            self.nodeID = id
            self.document = document
        }

        func yaml(adminPort: Int, xdsPort: Int) throws -> String {
            var document = self.document
            try Self.setPort(adminPort, in: &document, at: ["admin", "address", "socket_address"], file: path)
            guard var resources = document["static_resources"] as? [String: Any],
                var clusters = resources["clusters"] as? [[String: Any]],
                let index = clusters.firstIndex(where: { $0["name"] as? String == "logbook_xds" })
            else { throw UpError("\(path): no static cluster named logbook_xds") }
            var cluster = clusters[index]
            try Self.setPort(
                xdsPort, in: &cluster,
                at: ["load_assignment", "endpoints", 0, "lb_endpoints", 0, "endpoint", "address", "socket_address"],
                file: path)
            clusters[index] = cluster
            resources["clusters"] = clusters
            document["static_resources"] = resources
            return "# Written by `logbook up` from \(path) with this run's ports.\n"
                + (try Yams.dump(object: document, sortKeys: true))
        }

        /// Walks dictionaries (by key) and arrays (by index) and sets `port_value` at the end.
        private static func setPort(_ port: Int, in value: inout [String: Any], at path: [Any], file: String) throws {
            func set(_ node: Any, _ rest: ArraySlice<Any>) throws -> Any {
                guard let step = rest.first else {
                    guard var leaf = node as? [String: Any] else { throw UpError("\(file): unexpected shape") }
                    leaf["port_value"] = port
                    return leaf
                }
                if let key = step as? String, var dictionary = node as? [String: Any], let child = dictionary[key] {
                    dictionary[key] = try set(child, rest.dropFirst())
                    return dictionary
                }
                if let index = step as? Int, var array = node as? [Any], array.indices.contains(index) {
                    array[index] = try set(array[index], rest.dropFirst())
                    return array
                }
                throw UpError("\(file): no \(path.map { "\($0)" }.joined(separator: "."))")
            }
            value = try set(value, path[...]) as! [String: Any]
        }
    }
}

/// A reason `logbook up` stops, printed as one line.
struct UpError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
