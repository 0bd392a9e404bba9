# The two commands of the README:
#   make run   - install what is missing, build (release) and start the broker on localhost:9092
#   make test  - install what is missing, build (ASan+UBSan) and run every test
# CI=true selects the `ci` preset (warnings are errors).
PRESET ?= $(if $(filter true,$(CI)),ci,debug)
JOBS ?= $(shell nproc)
RUN_ARGS ?=

.PHONY: run test build build-release deps bench clean

deps:
	@bash scripts/install-deps.sh

build-release: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build-release
	mkdir -p data
	./build/release/app/ringtail broker --override log.dirs=$(CURDIR)/data $(RUN_ARGS)

build: deps
	cmake --preset $(PRESET) >/dev/null
	cmake --build --preset $(PRESET) -j $(JOBS)

test: build
	ctest --preset $(PRESET) -j $(JOBS)
	@if command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1; then \
	  FUZZ_SECONDS=$${FUZZ_SECONDS:-60} JOBS=$(JOBS) bash scripts/fuzz-smoke.sh; \
	else \
	  echo "fuzz-smoke: skipped (clang not found)"; \
	fi

bench: build-release
	@echo "benchmarks: see docs/PERFORMANCE.md for the exact commands"

clean:
	rm -rf build
