import Foundation

/// `GET /openapi.json`: the API described by hand, as data. The resource schemas mirror
/// Gateway's strict decoders (unknown keys refused, so `additionalProperties: false`; the same
/// required fields, enums and types); a test holds the paths to the routes actually served.
enum OpenAPIDocument {
    static let json: Data = JSONAnswer.encode(document)

    static var document: JSONValue {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Logbook control-plane API",
                "version": .string(LogbookBuild.version),
                "description": """
                Every mutation is an event in an append-only log; a 2xx answer means its events are on \
                disk. Errors are {"error": {"code", "message", "field"}}.
                """,
            ],
            "servers": [["url": "http://127.0.0.1:8080"]],
            "paths": paths,
            "components": ["schemas": schemas, "parameters": parameters],
        ]
    }

    // MARK: - Paths

    private static var paths: JSONValue {
        var paths: [(String, JSONValue)] = []
        paths.append(
            (
                "/status",
                ["get": operation("getStatus", "Log head, configuration version, counts, uptime", ok: ref("Status"))]
            ))
        paths.append(("/healthz", ["get": operation("getHealth", "The process is up", ok: ref("Health"))]))
        paths.append(
            (
                "/readyz",
                [
                    "get": operation(
                        "getReady", "The log is open and projected, and writes succeed", ok: ref("Ready"),
                        errors: [400, 503])
                ]
            ))
        let metricsResponses: [(String, JSONValue)] = [("200", textResponse("Prometheus metrics", media: "text/plain"))]
        paths.append(
            (
                "/metrics",
                [
                    "get": operation(
                        "getMetrics", "Prometheus text exposition", responses: metricsResponses + errorResponses([400]))
                ]
            ))
        paths.append(("/openapi.json", ["get": operation("getOpenAPI", "This document", ok: ["type": "object"])]))
        paths += resourcePaths(plural: "services", singular: "service", schema: "Service", key: "name", create: "add")
        paths += resourcePaths(plural: "routes", singular: "route", schema: "Route", key: "name", create: "add")
        paths += resourcePaths(plural: "proxies", singular: "proxy", schema: "Proxy", key: "id", create: "register")
        paths += proxyPaths

        let reloaded: JSONValue = ["anyOf": [ref("MutationResult"), ref("DryRun")]]
        let reload = operation(
            "reloadConfig", "Re-read the server's --config file and append only the differences",
            parameters: [query("dry_run", ["type": "boolean"], "Plan only: append nothing")] + mutationHeaders,
            responses: [("200", jsonResponse("The events appended, or planned with dry_run", reloaded))]
                + errorResponses([400, 409, 412, 413, 415, 422, 503]))
        paths.append(("/config/reload", ["post": reload]))

        let rollback = operation(
            "rollbackConfig", "Append ConfigRolledBack: services and routes return to a version",
            parameters: mutationHeaders, body: ref("RollbackRequest"),
            responses: [("200", jsonResponse("The rollback event", ref("MutationResult")))]
                + errorResponses([400, 404, 409, 412, 413, 415, 422, 503]))
        paths.append(("/config/rollback", ["post": rollback]))

        let node = query(
            "node", ["type": "string", "minLength": 1, "maxLength": 256], "An Envoy node id", required: true)
        let config = operation(
            "getConfig", "The Envoy resources a node is served at a version, as the xDS server renders them",
            parameters: [query("version", sequenceSchema, "A version up to the log's head", required: true), node]
                + readHeaders, ok: ref("RenderedConfig"), errors: [400, 404, 503])
        paths.append(("/config", ["get": config]))
        let configAt = operation(
            "getConfigAt", "The Envoy resources a node was running at a time, by its recorded ACKs",
            parameters: [query("time", timeSchema, "ISO 8601 or an age (15m)", required: true), node] + readHeaders,
            ok: ref("RenderedConfigAt"), errors: [400, 404, 503])
        paths.append(("/config/at", ["get": configAt]))

        let pageSize: JSONValue = ["type": "integer", "minimum": 1, "maximum": .integer(APILimits.maxPageSize)]
        let eventFilters: [JSONValue] = [
            query("since", timeSchema, "Recorded at or after: ISO 8601 or an age (15m)"),
            query("until", timeSchema, "Recorded before: ISO 8601 or an age"),
            query("type", string, "Event type, such as RouteAdded"),
            query("entity", string, "service/NAME, route/NAME, proxy/ID or fleet/CLUSTER"),
            query("actor", string, "Who appended it"),
            query("after_seq", sequenceSchema, "Only events after this sequence number"),
            query("cursor", sequenceSchema, "Alias of after_seq: a next_cursor"),
            query("limit", pageSize, "Page size (100)"),
        ]
        let events = operation(
            "listEvents", "The audit trail, filtered, oldest first, in pages", parameters: eventFilters + readHeaders,
            ok: ref("EventPage"))
        paths.append(("/events", ["get": events]))

        let streamLimit: JSONValue = ["type": "integer", "minimum": 1, "maximum": .integer(APILimits.maxStreamEvents)]
        let streamParameters: [JSONValue] = [
            query(
                "after_seq", sequenceSchema,
                "Start after this event, at most the head (default: the head, so live only)"),
            query("limit", streamLimit, "End the stream after this many events"),
            header("Last-Event-ID", string, "A reconnecting client's last id, used when after_seq is absent"),
        ]
        let streamResponses: [(String, JSONValue)] = [
            ("200", textResponse("event: <type>, id: <seq>, data: <an /events item>", media: "text/event-stream"))
        ]
        let stream = operation(
            "streamEvents", "Server-sent events: one block per envelope, live until the client leaves",
            parameters: streamParameters + readHeaders, responses: streamResponses + errorResponses([400]))
        paths.append(("/events/stream", ["get": stream]))

        let event = operation(
            "getEvent", "One envelope with its hash and previous hash",
            parameters: [path("seq", sequenceSchema)] + readHeaders, ok: ref("EventWithPreviousHash"),
            errors: [400, 404])
        paths.append(("/events/{seq}", ["get": event]))

        let versionParameters: [JSONValue] = [
            query("cursor", sequenceSchema, "Continue after this version"),
            query("limit", pageSize, "Page size (1000)"),
        ]
        let versions = operation(
            "listVersions", "Every configuration version, oldest first", parameters: versionParameters + readHeaders,
            ok: ref("VersionPage"))
        paths.append(("/versions", ["get": versions]))

        let stateParameters: [JSONValue] = [
            query("version", sequenceSchema, "Right after this event"),
            query("at", timeSchema, "In force at this time: ISO 8601 or an age"),
        ]
        let state = operation(
            "getState", "The gateway state now, right after a version, or in force at a time",
            parameters: stateParameters + readHeaders, ok: ref("GatewayState"), errors: [400, 404])
        paths.append(("/state", ["get": state]))

        let diffParameters: [JSONValue] = [
            query("from", sequenceSchema, "The older version", required: true),
            query("to", sequenceSchema, "The newer version", required: true),
        ]
        let diff = operation(
            "diffVersions", "Resource by resource: added, removed and changed fields",
            parameters: diffParameters + readHeaders, ok: ref("StateDiff"), errors: [400, 404])
        paths.append(("/diff", ["get": diff]))
        return .object(paths)
    }

    /// Per proxy: its history and its pin.
    private static var proxyPaths: [(String, JSONValue)] {
        let id = path("id", ["type": "string", "minLength": 1])
        let limit = query(
            "limit", ["type": "integer", "minimum": 1, "maximum": .integer(APILimits.maxPageSize)],
            "Newest entries per list (100)")
        let history = operation(
            "getProxyHistory", "A node's connections, versions run and rejections, newest first",
            parameters: [id, limit] + readHeaders, ok: ref("ProxyHistory"), errors: [400, 404])
        let pin = operation(
            "pinProxy", "Serve the proxy or fleet exactly a configuration version's resources until unpinned",
            parameters: [id] + mutationHeaders, body: ref("PinRequest"),
            responses: [("200", jsonResponse("ProxyPinned appended, or already pinned there", ref("MutationResult")))]
                + errorResponses([400, 404, 409, 412, 413, 415, 422, 503]))
        let unpin = operation(
            "unpinProxy", "Serve the proxy or fleet the current configuration again",
            parameters: [id] + mutationHeaders,
            responses: [("200", jsonResponse("ProxyUnpinned appended", ref("MutationResult")))]
                + errorResponses([400, 404, 409, 412, 422, 503]))
        return [
            ("/proxies/{id}/history", ["get": history]),
            ("/proxies/{id}/pin", ["post": pin, "delete": unpin]),
        ]
    }

    private static func resourcePaths(
        plural: String, singular: String, schema: String, key: String, create: String
    ) -> [(String, JSONValue)] {
        let title = plural.prefix(1).uppercased() + plural.dropFirst()
        let one = singular.prefix(1).uppercased() + singular.dropFirst()
        let keyParameter = path(key, ["type": "string", "minLength": 1])
        return [
            (
                "/\(plural)",
                [
                    "get": operation(
                        "list\(title)", "List \(plural) sorted by \(key), paged with limit and cursor",
                        parameters: [
                            query(
                                "limit",
                                ["type": "integer", "minimum": 1, "maximum": .integer(APILimits.maxResourcePage)],
                                "Page size; no limit means all"),
                            query("cursor", ["type": "string"], "Continue after this \(key): a next_cursor"),
                        ] + readHeaders,
                        ok: ref("\(one)Page"))
                ]
            ),
            (
                "/\(plural)/\(create)",
                [
                    "post": operation(
                        "\(create)\(one)", "\(create == "add" ? "Add" : "Register") one \(singular)",
                        parameters: mutationHeaders, body: ref(schema),
                        responses: [
                            ("201", jsonResponse("Created: its events are durable", ref("MutationResult"))),
                            ("200", jsonResponse("An idempotent replay: nothing appended", ref("MutationResult"))),
                        ] + errorResponses([400, 404, 409, 412, 413, 415, 422, 503]))
                ]
            ),
            (
                "/\(plural)/{\(key)}",
                [
                    "get": operation(
                        "get\(one)", "One \(singular)", parameters: [keyParameter] + readHeaders, ok: ref(schema),
                        errors: [400, 404]),
                    "put": operation(
                        "replace\(one)", "Replace the whole \(singular); an identical body appends nothing",
                        parameters: [keyParameter] + mutationHeaders, body: ref(schema),
                        responses: [("200", jsonResponse("Replaced, or unchanged", ref("MutationResult")))]
                            + errorResponses([400, 404, 409, 412, 413, 415, 422, 503])),
                    "delete": operation(
                        "remove\(one)", "Remove one \(singular)", parameters: [keyParameter] + mutationHeaders,
                        responses: [("200", jsonResponse("Removed", ref("MutationResult")))]
                            + errorResponses([400, 404, 409, 412, 413, 415, 422, 503])),
                ]
            ),
        ]
    }

    // MARK: - Building blocks

    private static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    private static let sequenceSchema: JSONValue = [
        "type": "integer", "minimum": 0, "maximum": .integer(Int(ClientSequence.maximum)),
    ]
    private static let timeSchema: JSONValue = ["type": "string", "minLength": 1]

    private static func query(
        _ name: String, _ schema: JSONValue, _ description: String, required: Bool = false
    ) -> JSONValue {
        [
            "name": .string(name), "in": "query", "required": .bool(required), "schema": schema,
            "description": .string(description),
        ]
    }

    private static func path(_ name: String, _ schema: JSONValue) -> JSONValue {
        ["name": .string(name), "in": "path", "required": true, "schema": schema]
    }

    private static func header(_ name: String, _ schema: JSONValue, _ description: String) -> JSONValue {
        [
            "name": .string(name), "in": "header", "required": false, "schema": schema,
            "description": .string(description),
        ]
    }

    private static func parameterRef(_ name: String) -> JSONValue {
        ["$ref": .string("#/components/parameters/\(name)")]
    }

    /// Every request may name its actor and request id; both are echoed on the answer.
    private static let readHeaders: [JSONValue] = [parameterRef("XActor"), parameterRef("XRequestId")]
    private static let mutationHeaders: [JSONValue] =
        readHeaders + [parameterRef("IfMatch"), parameterRef("IdempotencyKey")]

    private static func operation(
        _ id: String, _ summary: String, parameters: [JSONValue] = readHeaders, body: JSONValue? = nil,
        ok: JSONValue, errors: [Int] = [400]
    ) -> JSONValue {
        operation(
            id, summary, parameters: parameters, body: body,
            responses: [("200", jsonResponse("OK", ok))] + errorResponses(errors))
    }

    private static func operation(
        _ id: String, _ summary: String, parameters: [JSONValue] = readHeaders, body: JSONValue? = nil,
        responses: [(String, JSONValue)]
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("operationId", .string(id)), ("summary", .string(summary)), ("parameters", .array(parameters)),
            ("responses", .object(responses)),
        ]
        if let body {
            members.append(("requestBody", ["required": true, "content": ["application/json": ["schema": body]]]))
        }
        return .object(members)
    }

    private static func jsonResponse(_ description: String, _ schema: JSONValue) -> JSONValue {
        [
            "description": .string(description), "content": ["application/json": ["schema": schema]],
            "headers": responseHeaders,
        ]
    }

    private static func textResponse(_ description: String, media: String) -> JSONValue {
        let schema: JSONValue = ["schema": ["type": "string"]]
        return ["description": .string(description), "content": .object([(media, schema)])]
    }

    private static let responseHeaders: JSONValue = [
        "X-Request-Id": ["description": "The request id, echoed or generated", "schema": ["type": "string"]],
        "X-Actor": ["description": "The actor, echoed; anonymous by default", "schema": ["type": "string"]],
    ]

    private static let errorMeaning: [Int: String] = [
        400: "Malformed body, unknown field, wrong type, invalid value or bad parameter",
        404: "No such resource, event or version",
        409: "Duplicate, still in use, port conflict, or no --config to reload",
        412: "If-Match names a version the configuration has moved past",
        413: "Body over 1 MiB",
        415: "Body that is not application/json",
        422: "Idempotency-Key reused with a different request",
        503: "The event log cannot be read or written; retry",
    ]

    private static func errorResponses(_ statuses: [Int]) -> [(String, JSONValue)] {
        statuses.map { status in
            (
                String(status),
                [
                    "description": .string(errorMeaning[status] ?? "Error"),
                    "content": ["application/json": ["schema": ref("Error")]], "headers": responseHeaders,
                ]
            )
        }
    }

    private static var parameters: JSONValue {
        [
            "XActor": [
                "name": "X-Actor", "in": "header", "required": false,
                "description": "Who is asking; stored in the envelope (default anonymous)",
                "schema": ["type": "string", "minLength": 1, "maxLength": .integer(APILimits.maxHeaderValue)],
            ],
            "XRequestId": [
                "name": "X-Request-Id", "in": "header", "required": false,
                "description": "Kept when printable and short; otherwise one is generated",
                "schema": ["type": "string"],
            ],
            "IfMatch": [
                "name": "If-Match", "in": "header", "required": false,
                "description": "The configuration version this change was decided against: 12, \"12\" or *",
                "schema": ["type": "string"],
            ],
            "IdempotencyKey": [
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": "A retry with the same key gets the first answer and appends nothing",
                "schema": ["type": "string", "minLength": 1, "maxLength": .integer(APILimits.maxHeaderValue)],
            ],
        ]
    }

    // MARK: - Schemas

    private static func object(
        _ properties: [(String, JSONValue)], required: [String] = [], closed: Bool = true, description: String? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", "object"), ("properties", .object(properties))]
        if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
        if closed { members.append(("additionalProperties", false)) }
        if let description { members.append(("description", .string(description))) }
        return .object(members)
    }

    private static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    private static let integer: JSONValue = ["type": "integer"]
    private static let string: JSONValue = ["type": "string"]
    private static let boolean: JSONValue = ["type": "boolean"]
    /// Service and route names as the validator accepts them, so generated bodies reach the log.
    private static let resourceName: JSONValue = [
        "type": "string", "pattern": "^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$",
        "description": "[A-Za-z0-9_.-], 1-63 characters, starting and ending with a letter or digit",
    ]
    private static let nullableString: JSONValue = ["type": ["string", "null"]]
    private static let nullableInteger: JSONValue = ["type": ["integer", "null"], "minimum": 0]

    private static var schemas: JSONValue {
        .object(resourceSchemas + answerSchemas)
    }

    /// What the strict decoders accept: the declarative file's shapes.
    private static var resourceSchemas: [(String, JSONValue)] {
        [
            (
                "Duration",
                [
                    "type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,9})?(ms|s|m|h)$",
                    "description": "Whole milliseconds: 250ms, 5s, 1.5s, 2m, 1h", "examples": ["5s", "250ms"],
                ]
            ),
            (
                "Endpoint",
                [
                    "type": "string", "description": "host:port, host an IPv4 address, [IPv6] or a DNS name",
                    "examples": ["127.0.0.1:8001"],
                ]
            ),
            (
                "Service",
                object(
                    [
                        ("name", resourceName),
                        ("protocol", ["type": "string", "enum": ["http1", "http2", "grpc"], "default": "http1"]),
                        ("endpoints", array(ref("Endpoint"))),
                        (
                            "lb_policy",
                            [
                                "type": "string",
                                "enum": ["round_robin", "least_request", "random", "ring_hash", "maglev"],
                                "default": "round_robin",
                            ]
                        ),
                        ("connect_timeout", ref("Duration")),
                        ("health_check", ref("HealthCheck")),
                        ("circuit_breakers", ref("CircuitBreakers")),
                        ("outlier_detection", ref("OutlierDetection")),
                    ], required: ["name", "endpoints"], description: "An upstream service: an Envoy cluster")
            ),
            (
                "HealthCheck",
                object([
                    ("path", string), ("interval", ref("Duration")), ("timeout", ref("Duration")),
                    ("healthy_threshold", integer), ("unhealthy_threshold", integer),
                ])
            ),
            (
                "CircuitBreakers",
                object([
                    ("max_connections", integer), ("max_pending_requests", integer), ("max_requests", integer),
                    ("max_retries", integer),
                ])
            ),
            (
                "OutlierDetection",
                object([
                    ("consecutive_5xx", integer), ("interval", ref("Duration")),
                    ("base_ejection_time", ref("Duration")),
                    ("max_ejection_percent", integer),
                ])
            ),
            (
                "Route",
                object(
                    [
                        ("name", resourceName),
                        ("listener", ["type": "string", "enum": ["http", "grpc"], "default": "http"]),
                        ("match", ref("RouteMatch")),
                        ("service", resourceName),
                        ("weighted", array(ref("WeightedService"))),
                        ("timeout", ref("Duration")),
                        ("retry_policy", ref("RetryPolicy")),
                        ("cors", ref("CorsPolicy")),
                        ("hash_policy", ref("HashPolicy")),
                        ("mirror", ref("RequestMirror")),
                        ("rate_limit", ref("RateLimit")),
                    ], required: ["name", "match"],
                    description: "A route to one service, or weighted across several: exactly one of service, weighted"
                ).merging([("oneOf", [["required": ["service"]], ["required": ["weighted"]]])])
            ),
            (
                "RouteMatch",
                object([
                    ("prefix", string), ("path", string), ("regex", string), ("headers", array(ref("HeaderMatch"))),
                ])
            ),
            (
                "HeaderMatch",
                object(
                    [("name", string), ("exact", string), ("prefix", string), ("regex", string), ("present", boolean)],
                    required: ["name"])
            ),
            (
                "WeightedService",
                object([("service", resourceName), ("weight", integer)], required: ["service", "weight"])
            ),
            (
                "RetryPolicy",
                object([("retry_on", string), ("num_retries", integer), ("per_try_timeout", ref("Duration"))])
            ),
            (
                "CorsPolicy",
                object(
                    [
                        ("allow_origins", array(string)), ("allow_methods", array(string)),
                        ("allow_headers", array(string)), ("expose_headers", array(string)),
                        ("max_age", ref("Duration")), ("allow_credentials", boolean),
                    ], required: ["allow_origins"])
            ),
            ("HashPolicy", object([("header", string)], required: ["header"])),
            ("RequestMirror", object([("service", resourceName), ("percent", integer)], required: ["service"])),
            (
                "RateLimit",
                object(
                    [("requests", integer), ("per", ref("Duration")), ("burst", integer)],
                    required: ["requests", "per"],
                    description: "Each Envoy admits `requests` every `per` on this route and answers 429 beyond")
            ),
            (
                "Proxy",
                object(
                    [
                        ("id", string), ("cluster", string), ("host", string), ("http_port", integer),
                        ("grpc_port", integer), ("admin_port", integer),
                    ],
                    description: "An Envoy node (by id) or a fleet (by cluster) and the ports it listens on")
            ),
            (
                "PinRequest",
                object([("version", ["type": "integer", "minimum": 1])], required: ["version"])
            ),
            (
                "RollbackRequest",
                object(
                    [("version", ["type": "integer", "minimum": 0]), ("reason", string)],
                    required: ["version", "reason"])
            ),
        ]
    }

    /// What the API answers.
    private static var answerSchemas: [(String, JSONValue)] {
        [
            (
                "Error",
                object(
                    [
                        (
                            "error",
                            object(
                                [("code", string), ("message", string), ("field", nullableString)],
                                required: ["code", "message", "field"])
                        )
                    ], required: ["error"])
            ),
            (
                "MutationResult",
                object(
                    [
                        (
                            "events",
                            array(
                                object(
                                    [("seq", integer), ("type", string), ("summary", string)],
                                    required: ["seq", "type", "summary"]))
                        ),
                        ("version", integer), ("head", integer), ("replayed", boolean), ("changed", boolean),
                    ], required: ["events", "version", "head", "replayed", "changed"])
            ),
            (
                "DryRun",
                object(
                    [
                        ("dry_run", ["const": true]),
                        (
                            "events",
                            array(object([("type", string), ("summary", string)], required: ["type", "summary"]))
                        ),
                        ("version", integer), ("head", integer), ("changed", boolean),
                    ], required: ["dry_run", "events", "version", "head", "changed"])
            ),
            (
                "Status",
                object(
                    [
                        ("head", integer), ("version", integer),
                        (
                            "counts",
                            object(
                                [
                                    ("services", integer), ("routes", integer), ("proxies", integer),
                                    ("events", integer),
                                ],
                                required: ["services", "routes", "proxies", "events"])
                        ),
                        ("uptime_seconds", ["type": "number"]), ("build_version", string),
                    ], required: ["head", "version", "counts", "uptime_seconds", "build_version"])
            ),
            ("Health", object([("status", ["const": "ok"])], required: ["status"])),
            (
                "Ready",
                object(
                    [("status", ["const": "ready"]), ("head", string), ("version", string)],
                    required: ["status", "head", "version"])
            ),
            ("ServicePage", page("services", ref("Service"))),
            ("RoutePage", page("routes", ref("Route"))),
            (
                "ProxyPage",
                object(
                    [
                        ("proxies", array(ref("ProxyListItem"))), ("next_cursor", nullableString),
                        ("version", integer), ("unregistered", array(ref("UnregisteredNode"))),
                    ], required: ["proxies", "next_cursor", "version", "unregistered"],
                    description: "Registered proxies with their live status; unregistered nodes on the first page only")
            ),
            (
                "ProxyListItem",
                object(
                    [
                        ("id", string), ("cluster", string), ("host", string), ("http_port", integer),
                        ("grpc_port", integer), ("admin_port", integer),
                        ("status", ["anyOf": [ref("NodeStatus"), ref("FleetStatus")]]),
                    ], required: ["status"],
                    description: "A registered proxy (status: NodeStatus) or fleet (status: FleetStatus)")
            ),
            (
                "NodeStatus",
                object(
                    [
                        ("connected", boolean), ("node_cluster", nullableString), ("connected_since", nullableString),
                        ("disconnected_at", nullableString), ("last_seen", nullableString),
                        ("acked", ["type": "object", "additionalProperties": string]),
                        ("running_version", nullableString), ("running_since", nullableString),
                        ("last_nack", ["anyOf": [ref("ProxyRejection"), ["type": "null"]]]),
                        ("rejecting", boolean), ("pinned_version", nullableInteger),
                    ],
                    required: [
                        "connected", "node_cluster", "connected_since", "disconnected_at", "last_seen", "acked",
                        "running_version", "running_since", "last_nack", "rejecting", "pinned_version",
                    ],
                    description: "What the log says a node does: acked is the version per type URL since it connected")
            ),
            (
                "FleetStatus",
                object(
                    [
                        ("members", integer), ("connected", integer), ("rejecting", integer),
                        ("running_versions", ["type": "object", "additionalProperties": integer]),
                        ("pinned_version", nullableInteger),
                    ], required: ["members", "connected", "rejecting", "running_versions", "pinned_version"],
                    description: "A fleet's members counted: connected members by the version they run")
            ),
            (
                "ProxyRejection",
                object(
                    [("type_url", string), ("version", string), ("message", string), ("at", string)],
                    required: ["type_url", "version", "message", "at"])
            ),
            (
                "UnregisteredNode",
                object([("id", string), ("status", ref("NodeStatus"))], required: ["id", "status"])
            ),
            (
                "ProxyHistory",
                object(
                    [
                        ("node", string), ("connected", boolean),
                        (
                            "connections",
                            array(
                                object(
                                    [
                                        ("node_cluster", string), ("connected_at", nullableString),
                                        ("disconnected_at", nullableString),
                                    ], required: ["node_cluster", "connected_at", "disconnected_at"]))
                        ),
                        (
                            "versions",
                            array(
                                object(
                                    [
                                        ("version", string), ("configuration_version", nullableInteger),
                                        ("from", string), ("until", nullableString),
                                    ], required: ["version", "configuration_version", "from", "until"]))
                        ),
                        ("rejections", array(ref("ProxyRejection"))),
                    ], required: ["node", "connected", "connections", "versions", "rejections"])
            ),
            (
                "RenderedConfig",
                object(
                    [("version", integer), ("node", string), ("resources", ["type": "object"])],
                    required: ["version", "node", "resources"])
            ),
            (
                "RenderedConfigAt",
                object(
                    [
                        ("version", integer), ("node", string), ("time", string), ("from", string),
                        ("until", nullableString), ("resources", ["type": "object"]),
                    ], required: ["version", "node", "time", "from", "until", "resources"])
            ),
            ("Event", eventSchema(withPreviousHash: false)),
            ("EventWithPreviousHash", eventSchema(withPreviousHash: true)),
            (
                "EventPage",
                object(
                    [("events", array(ref("Event"))), ("next_cursor", nullableInteger)],
                    required: ["events", "next_cursor"])
            ),
            (
                "VersionPage",
                object(
                    [
                        (
                            "versions",
                            array(
                                object(
                                    [
                                        ("version", integer), ("recorded_at", string), ("actor", string),
                                        ("request_id", string), ("type", string), ("summary", string),
                                    ], required: ["version", "recorded_at", "actor", "request_id", "type", "summary"]))
                        ),
                        ("next_cursor", nullableInteger),
                    ], required: ["versions", "next_cursor"])
            ),
            (
                "GatewayState",
                object(
                    [
                        ("version", integer), ("head", integer), ("last_declarative_hash", string),
                        ("services", array(ref("Service"))), ("routes", array(ref("Route"))),
                        ("proxies", array(ref("Proxy"))),
                        ("pins", ["type": "object", "additionalProperties": ["type": "integer", "minimum": 1]]),
                    ], required: ["version", "head", "services", "routes"])
            ),
            ("KindDiff", kindDiff),
            (
                "StateDiff",
                object(
                    [("services", ref("KindDiff")), ("routes", ref("KindDiff")), ("proxies", ref("KindDiff"))],
                    required: ["services", "routes", "proxies"])
            ),
        ]
    }

    private static func page(_ key: String, _ item: JSONValue) -> JSONValue {
        object(
            [(key, array(item)), ("next_cursor", nullableString), ("version", integer)],
            required: [key, "next_cursor", "version"])
    }

    /// `EnvelopeRecord`'s header fields and the decoded event; `/events/{seq}` adds `previous_hash`.
    private static func eventSchema(withPreviousHash: Bool) -> JSONValue {
        let hex: JSONValue = ["type": "string", "pattern": "^[0-9a-f]{64}$"]
        var properties: [(String, JSONValue)] = [
            ("seq", integer), ("recorded_at", string),
            ("kind", ["type": "string", "enum": ["configuration", "observation"]]), ("type", string),
            ("schema_version", integer), ("actor", string), ("request_id", string), ("entities", array(string)),
            ("hash", hex),
            ("prev_hash", ["type": "string", "pattern": "^[0-9a-f]{64}$", "description": "The previous event's hash"]),
            ("event", ["description": "The decoded event payload"]),
        ]
        var required = [
            "seq", "recorded_at", "kind", "type", "schema_version", "actor", "request_id", "entities", "hash",
            "prev_hash", "event",
        ]
        if withPreviousHash {
            properties.append(
                (
                    "previous_hash",
                    [
                        "type": "string", "pattern": "^[0-9a-f]{64}$", "deprecated": true,
                        "description": "The same as prev_hash, under its older name",
                    ]
                ))
            required.append("previous_hash")
        }
        return object(properties, required: required)
    }

    private static var kindDiff: JSONValue {
        object(
            [
                ("added", array(string)), ("removed", array(string)),
                (
                    "changed",
                    array(
                        object(
                            [
                                ("name", string),
                                (
                                    "fields",
                                    array(
                                        object(
                                            [("field", string), ("old", string), ("new", string)], required: ["field"]))
                                ),
                            ], required: ["name", "fields"]))
                ),
            ], required: ["added", "removed", "changed"])
    }
}
