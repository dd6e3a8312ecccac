import Foundation

/// Reads payloads of older schema versions into current values, so old logs replay forever.
/// Which function reads which version of which type is listed with the type's row in
/// `EventType.row`; nothing here dispatches.
enum Upcaster {
    /// Schema 1 of ServiceRegistered/ServiceUpdated: the JSON prototype with `lb` and `connect_timeout_ms`.
    /// Unknown keys are ignored on purpose: this data is history and must keep replaying.
    struct ServiceSchema1: Decodable {
        var name: String
        var `protocol`: ServiceProtocol?
        var endpoints: [Endpoint]
        var lb: LoadBalancingPolicy?
        var connectTimeoutMs: Int64?
        var healthCheck: HealthCheck?
        var circuitBreakers: CircuitBreakers?
        var outlierDetection: OutlierDetection?

        enum CodingKeys: String, CodingKey {
            case name, `protocol`, endpoints, lb
            case connectTimeoutMs = "connect_timeout_ms"
            case healthCheck = "health_check"
            case circuitBreakers = "circuit_breakers"
            case outlierDetection = "outlier_detection"
        }

        var current: Service {
            Service(
                name: name,
                protocol: `protocol` ?? .http1,
                endpoints: endpoints,
                lbPolicy: lb ?? .roundRobin,
                connectTimeout: connectTimeoutMs.map(ConfigDuration.milliseconds) ?? .seconds(5),
                healthCheck: healthCheck,
                circuitBreakers: circuitBreakers,
                outlierDetection: outlierDetection
            )
        }
    }

    /// ServiceRegistered/ServiceUpdated schema 1: the whole payload is the prototype's JSON.
    static func serviceSchema1(_ reader: inout BinaryReader) throws(PayloadError) -> Service {
        let json = reader.readRemaining()
        do {
            return try JSONDecoder().decode(ServiceSchema1.self, from: Data(json)).current
        } catch {
            throw PayloadError("invalid JSON service: \(error)")
        }
    }

    /// RouteAdded/RouteChanged schema 2: the route without a rate limit field, then the route's
    /// rate limit when it has one (the payload's only optional part that was not a field).
    static func routeSchema2(_ reader: inout BinaryReader) throws(PayloadError) -> Route {
        var route = try Route.decode(from: &reader, withRateLimit: false)
        if !reader.isAtEnd { route.rateLimit = try RateLimit.decode(from: &reader) }
        return route
    }

    /// ConfigRolledBack schema 2: the routes without a rate limit field, then, only when some
    /// route had a rate limit, a section of (route name, limit) pairs in the routes' order.
    static func rollbackSchema2(_ reader: inout BinaryReader) throws(PayloadError) -> ConfigRollback {
        let targetVersion = try reader.readVarUInt()
        let reason = try reader.readString()
        let upsertedServices = try reader.readArray(Service.self)
        let removedServices = try reader.readStrings()
        var upsertedRoutes = try reader.readArray { (reader: inout BinaryReader) throws(PayloadError) in
            try Route.decode(from: &reader, withRateLimit: false)
        }
        let removedRoutes = try reader.readStrings()
        if !reader.isAtEnd {
            let names = Set(upsertedRoutes.map(\.name))
            var limits: [String: RateLimit] = [:]
            let count = try reader.readCount()
            // The section was written only when some route had a limit: an empty one is not ours.
            guard count > 0 else { throw PayloadError("empty rate limit section") }
            for _ in 0..<count {
                let name = try reader.readString()
                let limit = try RateLimit.decode(from: &reader)
                guard names.contains(name), limits.updateValue(limit, forKey: name) == nil else {
                    throw PayloadError("rate limit for a route the rollback does not restore, or twice: '\(name)'")
                }
            }
            for index in upsertedRoutes.indices {
                upsertedRoutes[index].rateLimit = limits[upsertedRoutes[index].name]
            }
        }
        return ConfigRollback(
            targetVersion: targetVersion, reason: reason, upsertedServices: upsertedServices,
            removedServices: removedServices, upsertedRoutes: upsertedRoutes, removedRoutes: removedRoutes)
    }
}
