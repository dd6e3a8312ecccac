#!/bin/sh
# Writes fixture.jsonl and expected-state.sha256 with the `logbook` of the build before schema 3
# (commit 1810b09), given as $1. Run once; the fixture is committed and must replay forever.
set -eu
logbook=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# `state --json` prints GatewayState.jsonData() with each newline shown as \u{a}, then a newline.
state_json() {
    "$logbook" state --data-dir "$data" --json | python3 -c 'import sys; sys.stdout.write(sys.stdin.read()[:-1].replace("\\u{a}", "\n"))'
}
version() {
    state_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])'
}
# Two services and a route without a rate limit.
"$logbook" apply --data-dir "$data" --actor fixture "$here/a0.yaml"
plain=$(version)
# Routes "api" and "web" added with rate limits (RouteAdded with the limit after the route).
"$logbook" apply --data-dir "$data" --actor fixture "$here/a.yaml"
limited=$(version)
# Limits changed, gained and dropped (RouteChanged), and "burst" added with one.
"$logbook" apply --data-dir "$data" --actor fixture "$here/b.yaml"
# Back to a0.yaml's routes: ConfigRolledBack without a section (no restored route has a limit).
"$logbook" rollback --data-dir "$data" --actor fixture --reason "no limits" "$plain"
# Forward to a.yaml's routes: ConfigRolledBack with its rate limit section.
"$logbook" rollback --data-dir "$data" --actor fixture --reason "limits back" "$limited"
"$logbook" export --data-dir "$data" > "$here/fixture.jsonl"
state_json | python3 -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())' > "$here/expected-state.sha256"
