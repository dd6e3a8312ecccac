import Foundation

/// Turns payloads of older schema versions into current events, so old logs replay forever.
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

    static func upcast(
        type: EventType,
        schemaVersion: UInt16,
        payload: UnsafeRawBufferPointer
    ) throws(PayloadError) -> GatewayEvent {
        switch (type, schemaVersion) {
        case (.serviceRegistered, 1):
            return .serviceRegistered(try serviceFromSchema1(payload, type: type.name))
        case (.serviceUpdated, 1):
            return .serviceUpdated(try serviceFromSchema1(payload, type: type.name))
        default:
            throw PayloadError("unsupported schema version \(schemaVersion) of event type '\(type.name)'")
        }
    }

    static func serviceFromSchema1(_ payload: UnsafeRawBufferPointer, type: String) throws(PayloadError) -> Service {
        do {
            return try JSONDecoder().decode(ServiceSchema1.self, from: Data(payload)).current
        } catch {
            throw PayloadError("\(type) v1: invalid JSON service: \(error)")
        }
    }
}
