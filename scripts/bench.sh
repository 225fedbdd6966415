#!/usr/bin/env bash
# Speed benchmarks (`make bench`): simulated requests per wall second and peak RSS.
#  (a) the full Azure LLM inference 2023 conversation trace (19,366 requests), Llama-2-7B on one A100-80GB,
#      Sarathi chunked prefill (budget 512), max batch 128. Target: under 0.5 s wall.
#  (b) one million synthetic requests (Poisson at 120 req/s, ShareGPT lengths) over 32 replicas of Llama-3-8B on
#      H100 (least-outstanding routing; about 80% of the cluster's capacity). Target: under 20 s, under 1 GiB RSS.
# Trace-driven parts need ../shared (or $LLMSIM_SHARED_DIR) and are skipped without it.
set -euo pipefail
BUILD=${1:-build}
LLMSIM="$BUILD/llmsim"
SHARED=${LLMSIM_SHARED_DIR:-../shared}
TRACES="$SHARED/traces"

measure() {  # name target_s target_rss_mib args...
  local name=$1 target_s=$2 target_rss=$3; shift 3
  local tmp; tmp=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$tmp.time" "$LLMSIM" run --json "$@" > "$tmp"
  read -r wall_total rss_kb < "$tmp.time"
  python3 - "$tmp" "$name" "$target_s" "$target_rss" "$wall_total" "$rss_kb" <<'PY'
import json, sys
path, name, target_s, target_rss, wall_total, rss_kb = sys.argv[1:]
d = json.load(open(path))
rss_mib = int(rss_kb) / 1024
ok = float(wall_total) < float(target_s) and rss_mib < float(target_rss)
print(f"{name}: {d['requests']} requests ({d['completed']} completed, {d['rejected']} rejected), "
      f"simulation {d['wall_s']:.3f} s, process {float(wall_total):.2f} s wall, "
      f"{d['requests'] / float(wall_total):,.0f} simulated requests/s, peak RSS {rss_mib:.0f} MiB, "
      f"{d['sim_events']} events -> {'OK' if ok else 'MISSED'} (target < {target_s} s, < {target_rss} MiB)")
PY
  rm -f "$tmp" "$tmp.time"
}

if [ -f "$TRACES/AzureLLMInferenceTrace_conv.csv" ]; then
  measure "(a) Azure conv trace, Llama-2-7B, A100, Sarathi 512, batch 128" 0.5 1024 \
    --model llama-2-7b --hardware a100-sxm-80gb --scheduler sarathi --chunk-size 512 --max-batch 128 \
    --trace "$TRACES/AzureLLMInferenceTrace_conv.csv"
  measure "(b) 1M Poisson requests, ShareGPT lengths, 32 x Llama-3-8B on H100" 20 1024 \
    --model llama-3-8b --hardware h100-sxm --replicas 32 --router least-outstanding --num-requests 1000000 \
    --qps 120 --arrival poisson --lengths "trace:$TRACES/sharegpt_8k_filtered_stats_llama2_tokenizer.csv"
else
  echo "(a), (b): skipped ($TRACES not present)"
  measure "(b') 1M Poisson requests, built-in ShareGPT lengths, 32 x Llama-3-8B on H100" 20 1024 \
    --model llama-3-8b --hardware h100-sxm --replicas 32 --router least-outstanding --num-requests 1000000 \
    --qps 120 --arrival poisson --lengths builtin:sharegpt
fi

# Benchmarks owned by the training and calibration subsystems.
for extra in scripts/bench-train.sh scripts/bench-calibration.sh; do
  if [ -x "$extra" ]; then bash "$extra" "$BUILD"; fi
done
