#!/usr/bin/env python3
"""Writes fixture.jsonl: a log as the schema-1 prototype wrote it (JSON service payloads with
`lb` and `connect_timeout_ms`). It builds every envelope and hash itself, from the format
described in Sources/EventLog/Envelope.swift, so it also checks that format independently.
Run once; the fixture is committed and must replay forever."""
import base64, hashlib, json, struct

def envelope(seq, recorded_at, kind, type_, schema, actor, request_id, entities, payload, prev):
    def s16(text):
        data = text.encode()
        return struct.pack(">H", len(data)) + data
    body = struct.pack(">BBQqH", 1, kind, seq, recorded_at, schema)
    body += s16(type_) + s16(actor) + s16(request_id)
    body += struct.pack(">H", len(entities)) + b"".join(s16(e) for e in entities)
    body += struct.pack(">I", len(payload)) + payload + prev
    digest = hashlib.sha256(body).digest()
    record = {
        "seq": seq, "recorded_at_ms": recorded_at, "recorded_at": "", "kind": "configuration",
        "type": type_, "schema_version": schema, "actor": actor, "request_id": request_id,
        "entities": entities, "payload": base64.b64encode(payload).decode(),
        "prev_hash": prev.hex(), "hash": digest.hex(),
    }
    return record, digest

events = [
    ("ServiceRegistered", {"name": "rest-api", "endpoints": ["127.0.0.1:8001"], "lb": "least_request",
                           "connect_timeout_ms": 2500}),
    ("ServiceRegistered", {"name": "graphql-api", "protocol": "http1", "endpoints": ["127.0.0.1:8002"]}),
    ("ServiceRegistered", {"name": "grpc-api", "protocol": "grpc", "endpoints": ["127.0.0.1:50051"],
                           "lb": "ring_hash", "health_check": {"interval": "10s"}}),
    ("ServiceUpdated", {"name": "rest-api", "endpoints": ["127.0.0.1:8001", "127.0.0.1:8011"], "lb": "maglev",
                        "connect_timeout_ms": 750, "retired_field": "ignored"}),
]
prev = bytes(32)
lines = []
for index, (type_, service) in enumerate(events, start=1):
    payload = json.dumps(service, sort_keys=True).encode()
    record, prev = envelope(index, 1767225600000 + index * 1000, 1, type_, 1, "prototype", f"fixture-{index}",
                            [f"service/{service['name']}"], payload, prev)
    lines.append(json.dumps(record, sort_keys=True))
with open("fixture.jsonl", "w") as out:
    out.write("\n".join(lines) + "\n")
