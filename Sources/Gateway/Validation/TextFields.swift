/// Every string a resource holds, with its field path (JSON names) below the resource: what
/// validation checks for control characters. A new string field belongs here too; a test
/// compares these lists with every string a fully populated resource holds.
extension Service {
    var textFields: [(field: String, value: String)] {
        var fields: [(String, String)] = [("name", name)]
        for (index, endpoint) in endpoints.enumerated() { fields.append(("endpoints[\(index)]", endpoint.host)) }
        if let healthCheck { fields.append(("health_check.path", healthCheck.path)) }
        return fields
    }
}

extension Route {
    var textFields: [(field: String, value: String)] {
        var fields: [(String, String)] = [("name", name)]
        for (field, value) in [("prefix", match.prefix), ("path", match.path), ("regex", match.regex)] {
            if let value { fields.append(("match.\(field)", value)) }
        }
        for (index, header) in match.headers.enumerated() {
            let path = "match.headers[\(index)]"
            fields.append(("\(path).name", header.name))
            for (field, value) in [("exact", header.exact), ("prefix", header.prefix), ("regex", header.regex)] {
                if let value { fields.append(("\(path).\(field)", value)) }
            }
        }
        switch destination {
        case .service(let service): fields.append(("service", service))
        case .weighted(let entries):
            for (index, entry) in entries.enumerated() { fields.append(("weighted[\(index)].service", entry.service)) }
        }
        if let retryPolicy { fields.append(("retry_policy.retry_on", retryPolicy.retryOn)) }
        if let cors {
            let lists = [
                ("allow_origins", cors.allowOrigins), ("allow_methods", cors.allowMethods),
                ("allow_headers", cors.allowHeaders), ("expose_headers", cors.exposeHeaders),
            ]
            for (field, values) in lists {
                for (index, value) in values.enumerated() { fields.append(("cors.\(field)[\(index)]", value)) }
            }
        }
        if let hashPolicy { fields.append(("hash_policy.header", hashPolicy.header)) }
        if let mirror { fields.append(("mirror.service", mirror.service)) }
        return fields
    }
}

extension Proxy {
    var textFields: [(field: String, value: String)] {
        [("id", id), ("cluster", cluster), ("host", host)].compactMap { field, value in value.map { (field, $0) } }
    }
}
