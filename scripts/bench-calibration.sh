#!/usr/bin/env bash
# The CPU calibration loop's accuracy figure (README, docs/calibration.md): measure this host's kernels, fit a
# profile from those kernels only, serve the benchmark workload for real (bench serve) and simulate it
# (run --hardware), and compare. Target: TTFT mean, TPOT mean and output tokens/s within 20% for llama-tiny-110m,
# 24 requests, 128 in / 32 out, batch 8. Also times `calibrate` on all shared GPU profiles (target < 30 s) and
# `bench kernels --quick` (target < 60 s).
#
# Usage: scripts/bench-calibration.sh [BUILD_DIR] [OUT_DIR]
#   THREADS=N     CPU threads for kernels and serving (default: all)
#   REPEATS=N     real serving runs (default 3); the median run by throughput is compared
#   QUICK=1       calibrate from `bench kernels --quick` instead of the full sweep
#   STRICT=1      exit 1 when a target is missed
# Wall-clock measurements need a quiet machine: other work on the cores or the memory bus slows the real loop and
# the kernels differently over time. The script prints the load average it started with.
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-$BUILD/bench-calibration}
LLMSIM="$BUILD/llmsim"
THREADS=${THREADS:-$(nproc)}
REPEATS=${REPEATS:-3}
SHARED=${LLMSIM_SHARED_DIR:-../shared}
mkdir -p "$OUT"
WORKLOAD=(--model llama-tiny-110m --num-requests 24 --lengths fixed:128:32 --max-batch 8 --qps inf --seed 0)

echo "host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $THREADS threads"

t0=$(date +%s.%N)
"$LLMSIM" bench kernels --quick --quiet --threads "$THREADS" --out "$OUT/kernels-quick.csv"
quick_s=$(echo "$(date +%s.%N) - $t0" | bc)
if [ "${QUICK:-0}" = 1 ]; then
  KERNELS="$OUT/kernels-quick.csv"
else
  KERNELS="$OUT/kernels.csv"
  "$LLMSIM" bench kernels --quiet --threads "$THREADS" --out "$KERNELS"
fi
"$LLMSIM" calibrate --measurements "$KERNELS" --base host --out "$OUT/host.json" --report "$OUT/fit-report.md" \
  --holdout-fraction 0.2 --source "llmsim bench kernels on this host" --quiet
for i in $(seq 1 "$REPEATS"); do
  "$LLMSIM" bench serve --threads "$THREADS" --hardware "$OUT/host.json" "${WORKLOAD[@]}" --json > "$OUT/real-$i.json"
done
"$LLMSIM" run --hardware "$OUT/host.json" "${WORKLOAD[@]}" --json > "$OUT/predicted.json"

calibrate_s=-1
if [ -d "$SHARED/calibration/vidur-profiles" ]; then
  t0=$(date +%s.%N)
  "$LLMSIM" calibrate --quiet --base hardware/base/a100-sxm-80gb.json --out "$OUT/a100.json" \
    --import-vidur "$SHARED/calibration/vidur-profiles" --vidur-device a100 --vidur-network a100_dgx \
    --import-attention "$SHARED/calibration/vidur-attention-samples-a100-llama2-7b-tp1.csv"
  "$LLMSIM" calibrate --quiet --base hardware/base/h100-sxm.json --out "$OUT/h100.json" \
    --import-vidur "$SHARED/calibration/vidur-profiles" --vidur-device h100 --vidur-network h100_dgx \
    --transfer-from "$OUT/a100.json"
  calibrate_s=$(echo "$(date +%s.%N) - $t0" | bc)
fi

python3 - "$OUT" "$REPEATS" "$quick_s" "$calibrate_s" "${STRICT:-0}" <<'PY'
import json, statistics, sys
out, repeats, quick_s, calibrate_s, strict = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
runs = [json.load(open(f"{out}/real-{i}.json")) for i in range(1, repeats + 1)]
runs.sort(key=lambda d: d["output_tokens_per_s"])
real = runs[len(runs) // 2]
pred = json.load(open(f"{out}/predicted.json"))
rows = [("TTFT mean (ms)", real["ttft_ms"]["mean"], pred["ttft_ms"]["mean"]),
        ("TPOT mean (ms)", real["tpot_ms"]["mean"], pred["tpot_ms"]["mean"]),
        ("output tokens/s", real["output_tokens_per_s"], pred["output_tokens_per_s"])]
ok = True
print(f"\nreal serving loop (median of {repeats} runs by throughput) vs llmsim run --hardware host.json")
print(f"  {'metric':<18} {'real':>10} {'predicted':>10} {'error':>8}")
for name, r, p in rows:
    e = (p - r) / r
    ok = ok and abs(e) <= 0.20
    print(f"  {name:<18} {r:>10.2f} {p:>10.2f} {e * 100:>+7.1f}%")
spread = [d["output_tokens_per_s"] for d in runs]
print(f"  real runs: output tokens/s {', '.join(f'{s:.1f}' for s in spread)}")
r = real["real"]
print(f"  real loop: {r['iterations']} iterations, kernels {r['forward_ms']:.0f} ms, host {r['host_ms'] + r['sampling_ms']:.1f} ms "
      f"(suggested --framework-overhead {r['framework_overhead_flag']})")
if "predicted_op_ms" in r:
    print(f"  {'op':<16} {'real ms':>10} {'predicted':>10}")
    for op, ms in r["op_ms"].items():
        if op in r["predicted_op_ms"] or ms > 1:
            print(f"  {op:<16} {ms:>10.1f} {r['predicted_op_ms'].get(op, 0):>10.1f}")
print(f"\nbench kernels --quick: {quick_s:.1f} s (target < 60 s)")
ok = ok and quick_s < 60
if calibrate_s >= 0:
    print(f"calibrate on the shared A100 + H100 profiles: {calibrate_s:.1f} s (target < 30 s)")
    ok = ok and calibrate_s < 30
print("targets:", "MET" if ok else "MISSED")
sys.exit(1 if strict == "1" and not ok else 0)
PY
