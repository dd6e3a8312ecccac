import Foundation

extension GatewayEvent {
    /// The payload as JSON with sorted keys, for export and display (never on the fold path).
    public func payloadJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data?
        switch self {
        case .serviceRegistered(let service), .serviceUpdated(let service): data = try? encoder.encode(service)
        case .serviceRemoved(let name), .routeRemoved(let name): data = try? encoder.encode(["name": name])
        case .routeAdded(let route), .routeChanged(let route): data = try? encoder.encode(route)
        case .proxyRegistered(let proxy): data = try? encoder.encode(proxy)
        case .proxyDeregistered(let key): data = try? encoder.encode(["key": key])
        case .configRolledBack(let rollback): data = try? encoder.encode(rollback)
        case .declarativeConfigApplied(let applied): data = try? encoder.encode(applied)
        case .proxyPinned(let key, let version): data = try? encoder.encode(PinPayload(key: key, version: version))
        case .proxyUnpinned(let key): data = try? encoder.encode(["key": key])
        case .proxyConnected(let nodes): data = try? encoder.encode(["nodes": nodes])
        case .proxyDisconnected(let nodes): data = try? encoder.encode(["nodes": nodes])
        case .proxyAcked(let ack): data = try? encoder.encode(ack)
        case .proxyNacked(let nack): data = try? encoder.encode(nack)
        }
        // Encoding these plain value types cannot fail; an empty object keeps the signature total.
        return data ?? Data("{}".utf8)
    }
}

private struct PinPayload: Encodable {
    let key: String
    let version: UInt64
}
