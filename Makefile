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

golden: build
	@bash scripts/golden.sh

fmt:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Lessons

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Lessons

clean:
	rm -rf .build

# End-to-end benchmarks on loopback (Benchmarks/, its own package; not part of `make test`):
# release builds, servers pinned to core 0 and the loader to core 1, results in Benchmarks/results/.
.PHONY: bench bench-quick
bench: deps
	@SWIFT=$(SWIFT) bash scripts/bench.sh full

bench-quick: deps
	@SWIFT=$(SWIFT) bash scripts/bench.sh quick
