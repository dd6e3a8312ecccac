import Foundation

/// What differs between two states, per kind and sorted by name (for `logbook diff V1 V2`).
public struct StateDiff: Equatable, Sendable, Codable {
    /// One top-level JSON key of a resource; values are JSON text, nil when the key is absent.
    public struct FieldChange: Equatable, Sendable, Codable {
        public var field: String
        public var old: String?
        public var new: String?

        public init(field: String, old: String?, new: String?) {
            self.field = field
            self.old = old
            self.new = new
        }
    }

    public struct ResourceChange: Equatable, Sendable, Codable {
        public var name: String
        public var fields: [FieldChange]

        public init(name: String, fields: [FieldChange]) {
            self.name = name
            self.fields = fields
        }
    }

    public struct KindDiff: Equatable, Sendable, Codable {
        public var added: [String]
        public var removed: [String]
        public var changed: [ResourceChange]

        public init(added: [String] = [], removed: [String] = [], changed: [ResourceChange] = []) {
            self.added = added
            self.removed = removed
            self.changed = changed
        }

        public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
    }

    public var services: KindDiff
    public var routes: KindDiff
    /// Proxies by `Proxy.key`.
    public var proxies: KindDiff

    public init(services: KindDiff = KindDiff(), routes: KindDiff = KindDiff(), proxies: KindDiff = KindDiff()) {
        self.services = services
        self.routes = routes
        self.proxies = proxies
    }

    public init(old: GatewayState, new: GatewayState) {
        services = Self.diff(old.services, new.services)
        routes = Self.diff(old.routes, new.routes)
        proxies = Self.diff(old.proxies, new.proxies)
    }

    public var isEmpty: Bool { services.isEmpty && routes.isEmpty && proxies.isEmpty }

    /// "+ service a", "- route b", "~ route api: timeout 30s -> 10s" (one line per changed field).
    public var lines: [String] {
        var lines: [String] = []
        for (label, kind) in [("service", services), ("route", routes), ("proxy", proxies)] {
            lines += kind.added.map { "+ \(label) \($0)" }
            lines += kind.removed.map { "- \(label) \($0)" }
            for change in kind.changed {
                for field in change.fields {
                    let values = "\(Self.display(field.old)) -> \(Self.display(field.new))"
                    lines.append("~ \(label) \(change.name): \(field.field) \(values)")
                }
            }
        }
        return lines
    }

    private static func display(_ json: String?) -> String {
        guard let json else { return "(none)" }
        if json.hasPrefix("\""), let data = json.data(using: .utf8),
            let text = try? JSONDecoder().decode(String.self, from: data)
        {
            return text
        }
        return json
    }

    /// Names are the keys' textual forms (a resource's name, a `ProxyKey`), in key order.
    private static func diff<Key: Comparable & CustomStringConvertible, Resource: Encodable & Equatable>(
        _ old: [Key: Resource],
        _ new: [Key: Resource]
    ) -> KindDiff {
        var result = KindDiff()
        result.added = new.keys.filter { old[$0] == nil }.sorted().map(\.description)
        result.removed = old.keys.filter { new[$0] == nil }.sorted().map(\.description)
        for key in new.keys.sorted() {
            guard let before = old[key], let after = new[key], before != after else { continue }
            result.changed.append(ResourceChange(name: key.description, fields: fieldChanges(before, after)))
        }
        return result
    }

    private static func fieldChanges<Resource: Encodable>(_ old: Resource, _ new: Resource) -> [FieldChange] {
        let before = topLevelFields(old)
        let after = topLevelFields(new)
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            before[key] == after[key] ? nil : FieldChange(field: key, old: before[key], new: after[key])
        }
    }

    /// Each top-level key of the resource's JSON with its value as canonical JSON text.
    private static func topLevelFields<Resource: Encodable>(_ resource: Resource) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(resource),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object {
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]
            if let text = try? JSONSerialization.data(withJSONObject: value, options: options) {
                fields[key] = String(decoding: text, as: UTF8.self)
            }
        }
        return fields
    }
}
