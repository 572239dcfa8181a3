# WSLab. `make lessons` runs every lesson in order; `make test` runs the test suite.
# Both install what they need first (scripts/install-deps.sh).
SWIFT ?= swift
N ?=

.PHONY: all deps build lessons lesson test golden fmt lint clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

# Lessons run release builds: lesson 6 measures, and a debug build would misstate the costs.
lessons: deps
	@SWIFT=$(SWIFT) bash scripts/lessons.sh

lesson: deps
	@if [ -z "$(N)" ]; then echo "usage: make lesson N=2" >&2; exit 2; fi
	@SWIFT=$(SWIFT) bash scripts/lessons.sh $(N)

test: deps
	@SWIFT=$(SWIFT) bash scripts/test.sh

# The HTML edition: every lesson as a self-contained page in site/ (open site/index.html).
.PHONY: site
site: deps
	@SWIFT=$(SWIFT) bash scripts/site.sh

golden: build
	@bash scripts/golden.sh

fmt:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Lessons Fuzz

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Lessons Fuzz

clean:
	rm -rf .build

# End-to-end benchmarks on loopback (Benchmarks/, its own package; not part of `make test`):
# release builds, servers pinned to core 0 and the loader to core 1, results in Benchmarks/results/.
.PHONY: bench bench-quick
bench: deps
	@SWIFT=$(SWIFT) bash scripts/bench.sh full

bench-quick: deps
	@SWIFT=$(SWIFT) bash scripts/bench.sh quick

# Autobahn|Testsuite (unmodified wstest 25.10.1, installed into .autobahn/ on first use) in both
# roles, compared case by case with Tests/Autobahn/expected-{server,client}.json.
# `make conformance`: groups 1-10 (make test runs the same); `make conformance-full`: all 517
# cases per role, on a release build. Reports: .build/autobahn/{server,client}/index.html.
.PHONY: conformance conformance-full
conformance: deps
	$(SWIFT) build --product wslab
	@WSLAB="$$($(SWIFT) build --show-bin-path)/wslab" SWIFT=$(SWIFT) bash scripts/autobahn.sh quick

conformance-full: deps
	$(SWIFT) build -c release --product wslab
	@WSLAB="$$($(SWIFT) build -c release --show-bin-path)/wslab" SWIFT=$(SWIFT) bash scripts/autobahn.sh full

# libFuzzer targets for every parser (Fuzz/README.md), SECONDS per target.
SECONDS ?= 60
.PHONY: fuzz sanitize
fuzz: deps
	@SWIFT=$(SWIFT) bash scripts/fuzz.sh $(SECONDS)

# The server, client and connection tests under ThreadSanitizer and AddressSanitizer.
sanitize: deps
	@SWIFT=$(SWIFT) bash scripts/sanitize.sh

# Attacks and load over real sockets (Tests/Stress): 10,000 connections x 1 GiB, 1,000 slowloris
# connections, a decompression bomb, a slow reader, shutdown under load. make test runs `quick`.
.PHONY: stress
stress: deps
	$(SWIFT) build -c release --product wslab
	@WSLAB="$$($(SWIFT) build -c release --show-bin-path)/wslab" bash scripts/stress.sh full
