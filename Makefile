# llmsim: the two commands a new user needs are `make run` and `make test` (see README.md).
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build run test test-sanitize fuzz fuzz-smoke bench format tidy clean

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The embedded default what-if scenario: Llama-2-7B on one A100-80GB, Sarathi chunked prefill,
# a synthetic workload shaped like the Azure 2023 conversation trace.
run: build
	@$(BUILD_DIR)/llmsim run

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The unit and end-to-end suites built with AddressSanitizer + UndefinedBehaviorSanitizer (Debug -O1, own build
# folder); the slow validation suite is left to `make test`. Timing checks skip themselves there
# (test::timing_is_meaningful), and the mpirun sweep runs without leak detection: Open MPI's plugins leak at exit
# (its memory, not llmsim's).
SANITIZE_DIR ?= build-sanitize
SANITIZE_ENV = ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DLLMSIM_SANITIZE=ON \
		$(CMAKE_FLAGS) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS) --target llmsim test_unit test_e2e
	@cd $(SANITIZE_DIR) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) -R '^(unit|e2e):' \
		-E '^e2e:mpirun'
	@cd $(SANITIZE_DIR) && $(SANITIZE_ENV) ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -R '^e2e:mpirun'

# libFuzzer harnesses for every parser (fuzz/), built with clang in their own folder: `make fuzz` runs each for
# FUZZ_SECONDS; `make fuzz-smoke` runs a fixed number of inputs per harness (what CI runs).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@bash scripts/install-deps.sh fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_DIR)

fuzz-smoke:
	@bash scripts/install-deps.sh fuzz
	@bash scripts/fuzz.sh --smoke $(FUZZ_DIR)

bench: build
	@bash -c 'set -o pipefail; bash scripts/bench.sh $(BUILD_DIR) | tee $(BUILD_DIR)/bench.log'
	@echo "bench: $$(grep -c -- '-> OK' $(BUILD_DIR)/bench.log) rows met their targets, $$(grep -c -- '-> MISSED' $(BUILD_DIR)/bench.log) missed"
	@grep -- '-> MISSED' $(BUILD_DIR)/bench.log | sed 's/: .*//; s/^/  missed: /' || true

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: build
	@git ls-files '*.cpp' | grep -v '^tests/' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	@rm -rf $(BUILD_DIR)
