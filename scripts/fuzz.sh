#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang in their own build folder and runs each one.
#   scripts/fuzz.sh [--smoke] [BUILD_DIR]
# Default: every harness for FUZZ_SECONDS (60) seconds. --smoke: a fixed number of inputs (FUZZ_SMOKE_RUNS, 2000)
# from a fixed seed, so the CI result does not depend on the machine's speed.
# Seed corpora are laid out under BUILD_DIR/seeds at each run (scripts/fuzz-seeds.sh). What each harness learns is
# kept in BUILD_DIR/corpus; crashing inputs go to BUILD_DIR/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
  shift
fi
build_dir="$(realpath -m "${1:-build-fuzz}")"  # absolute: the CLI harness runs in a scratch directory
seconds="${FUZZ_SECONDS:-60}"
smoke_runs="${FUZZ_SMOKE_RUNS:-2000}"
jobs="$(nproc 2>/dev/null || echo 2)"

cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
  -DLLMSIM_FUZZ=ON -DLLMSIM_BUILD_TESTS=OFF -DLLMSIM_BENCH_NATIVE=OFF >/dev/null
cmake --build "$build_dir" -j "$jobs" --target fuzzers

bash scripts/fuzz-seeds.sh "$build_dir"
seeds="$build_dir/seeds"
dict="$build_dir/cli.dict"
mkdir -p "$build_dir/corpus" "$build_dir/crashes"

failed=()
for bin in "$build_dir"/fuzz/fuzz_*; do
  name="$(basename "$bin")"
  mkdir -p "$build_dir/corpus/$name" "$seeds/$name"
  args=(-timeout=60 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=0
        "-artifact_prefix=$build_dir/crashes/$name-")
  [ "$name" = fuzz_cli ] && args+=("-dict=$dict")
  if [ "$smoke" -eq 1 ]; then
    args+=(-runs="$smoke_runs" -seed=1)
  else
    args+=(-max_total_time="$seconds")
  fi
  echo "llmsim-fuzz: $name"
  if ! "$bin" "${args[@]}" "$build_dir/corpus/$name" "$seeds/$name" >"$build_dir/$name.log" 2>&1; then
    tail -n 40 "$build_dir/$name.log"
    failed+=("$name")
  fi
  grep -E '^(Done|#[0-9]+ *DONE)' "$build_dir/$name.log" | tail -n 1 || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "llmsim-fuzz: FAILED: ${failed[*]} (inputs in $build_dir/crashes, logs in $build_dir/*.log)" >&2
  exit 1
fi
echo "llmsim-fuzz: all harnesses passed"
