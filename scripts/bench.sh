#!/usr/bin/env bash
# Speed benchmarks (`make bench`): simulated requests per wall second and peak RSS.
#  (a) the full Azure LLM inference 2023 conversation trace (19,366 requests), Llama-2-7B on one A100-80GB,
#      Sarathi chunked prefill (budget 512), max batch 128. Target: under 0.5 s wall.
#  (b) one million synthetic requests (Poisson at 120 req/s, ShareGPT lengths) over 32 replicas of Llama-3-8B on
#      H100 (least-outstanding routing; about 80% of the cluster's capacity). Target: under 20 s, under 1 GiB RSS.
#  (c) prefix caching on over the whole Mooncake conversation trace (12,031 requests, 145 M prompt tokens), Llama-3.1-8B
#      on 4 x H100, Sarathi budget 2048: under 1 s; the same run with caching off is measured next to it.
#  (d) (c) with a 512 GiB DRAM tier per replica and prefix-aware routing: within 2x of (c) with the same router.
#  (i) speculative decoding (EAGLE, gamma 4) vs a plain run of the same 20,000 synthetic requests: within 2x wall.
#  (j) prefill/decode disaggregation (3 prefill + 5 decode H100) vs 8 colocated H100, same requests: within 1.5x.
#  (k) a KV policy on (quantized streaming cache; H2O) vs off on (a), on (b) at 200k requests and at equal simulated
#      work: within 1.5x wall.
#  (f) llmsim sweep: runs per second of a sweep of short runs on 1 and 2 threads; target ratio >= 1.7.
#  (h) llmsim plan over a LLaMA-2-70B space (3 GPU types x TP 1,2,4,8 x PP 1,2,4 x replicas 1..16 x 3 schedulers x
#      4 batch caps) on 2 threads into a fresh store: under 60 s wall.
#  With LLMSIM_BASELINE=path/to/older/llmsim, (a) and (b) also run on that binary and the ratio is printed: features
#  that are off must cost nothing.
# Trace-driven parts need ../shared (or $LLMSIM_SHARED_DIR) and are skipped without it.
set -euo pipefail
BUILD=${1:-build}
LLMSIM="$BUILD/llmsim"
SHARED=${LLMSIM_SHARED_DIR:-../shared}
TRACES="$SHARED/traces"

measure() {  # name target_s target_rss_mib args...
  local name=$1 target_s=$2 target_rss=$3; shift 3
  local tmp; tmp=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$tmp.time" "$LLMSIM" run --json "$@" > "$tmp" 2> "$tmp.err"
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
  rm -f "$tmp" "$tmp.time" "$tmp.err"
}

if [ -f "$TRACES/AzureLLMInferenceTrace_conv.csv" ]; then
  # (a) and (b) pin the vllm-v0 engine (the serving core alone, as since the first build); (g) prices the default
  # engine's features (schedule-ahead, overlapped host loop, CUDA-graph padding, prefix caching) on (a).
  measure "(a) Azure conv trace, Llama-2-7B, A100, Sarathi 512, batch 128" 0.5 1024 \
    --model llama-2-7b --hardware a100-sxm-80gb --scheduler sarathi --chunk-size 512 --max-batch 128 \
    --trace "$TRACES/AzureLLMInferenceTrace_conv.csv" --engine vllm-v0
  measure "(b) 1M Poisson requests, ShareGPT lengths, 32 x Llama-3-8B on H100" 20 1024 \
    --model llama-3-8b --hardware h100-sxm --replicas 32 --router least-outstanding --num-requests 1000000 \
    --qps 120 --arrival poisson --lengths "trace:$TRACES/sharegpt_8k_filtered_stats_llama2_tokenizer.csv" \
    --engine vllm-v0
else
  echo "(a), (b): skipped ($TRACES not present)"
  measure "(b') 1M Poisson requests, built-in ShareGPT lengths, 32 x Llama-3-8B on H100" 20 1024 \
    --model llama-3-8b --hardware h100-sxm --replicas 32 --router least-outstanding --num-requests 1000000 \
    --qps 120 --arrival poisson --lengths builtin:sharegpt
fi

wall_of() {  # prints the simulation wall seconds of `llmsim run --json ARGS`
  "$@" --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["wall_s"])'
}

split_sides() {  # numerator_args -- denominator_args: fills the caller's num and den arrays
  local a side=num
  for a in "$@"; do
    if [ "$a" = "--" ]; then side=den; continue; fi
    if [ $side = num ]; then num+=("$a"); else den+=("$a"); fi
  done
}

ratio_row() {  # name target_ratio numerator_args -- denominator_args  (best of 3 each, interleaved)
  local name=$1 target=$2; shift 2
  local num=() den=()
  split_sides "$@"
  local best_n=1e9 best_d=1e9 t
  for _ in 1 2 3; do
    t=$(wall_of "${num[@]}"); best_n=$(python3 -c "print(min($best_n, $t))")
    t=$(wall_of "${den[@]}"); best_d=$(python3 -c "print(min($best_d, $t))")
  done
  python3 - "$name" "$best_n" "$best_d" "$target" <<'PY'
import sys
name, n, d, target = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
verdict = "OK" if n / d <= target else "MISSED"
print(f"{name}: {n:.3f} s vs {d:.3f} s (best of 3, interleaved), ratio {n / d:.2f} -> {verdict} (target <= {target})")
PY
}

if [ -f "$TRACES/AzureLLMInferenceTrace_conv.csv" ]; then
  G=(run --model llama-2-7b --hardware a100-sxm-80gb --scheduler sarathi --chunk-size 512 --max-batch 128
     --trace "$TRACES/AzureLLMInferenceTrace_conv.csv")
  # The faster engine takes ~2.4x the iterations of vllm-v0 on this trace (smaller, quicker steps): the target
  # allows that work, not more per iteration.
  ratio_row "(g) (a) with the default vllm engine vs --engine vllm-v0" 3.0 "$LLMSIM" "${G[@]}" --engine vllm -- \
    "$LLMSIM" "${G[@]}" --engine vllm-v0
fi

# (j) Prefill/decode disaggregation (3 prefill + 5 decode H100, KV over NVLink) vs 8 colocated H100, same requests.
DG=(run --model llama-3-8b --num-requests 50000 --qps 25 --arrival poisson --lengths builtin:sharegpt
    --engine vllm-v0 --router least-outstanding)
ratio_row "(j) disaggregated 3+5 x H100 vs colocated 8 x H100, 50,000 requests" 1.5 \
  "$LLMSIM" "${DG[@]}" --prefill-pool replicas=3,hardware=h100 --decode-pool replicas=5,hardware=h100 -- \
  "$LLMSIM" "${DG[@]}" --hardware h100 --replicas 8

if [ -f "$TRACES/mooncake_conversation_trace.jsonl" ]; then
  MC=(run --model llama-3.1-8b --hardware h100 --replicas 4 --trace "$TRACES/mooncake_conversation_trace.jsonl"
      --max-model-len 131072 --scheduler sarathi --chunk-size 2048)
  measure "(c) Mooncake conversation trace, prefix caching on, 4 x Llama-3.1-8B / H100" 1.0 1024 \
    "${MC[@]:1}" --prefix-cache on
  ratio_row "(c') prefix caching on vs off, same run" 100 "$LLMSIM" "${MC[@]}" --prefix-cache on -- "$LLMSIM" "${MC[@]}"
  ratio_row "(d) + 512 GiB DRAM tier vs HBM only (prefix-aware routing)" 2.0 \
    "$LLMSIM" "${MC[@]}" --prefix-cache on --router prefix-aware --kv-tiers dram=512GiB@32GB/s -- \
    "$LLMSIM" "${MC[@]}" --prefix-cache on --router prefix-aware
else
  echo "(c), (d): skipped ($TRACES/mooncake_conversation_trace.jsonl not present)"
fi

if [ -n "${LLMSIM_BASELINE:-}" ] && [ -f "$TRACES/AzureLLMInferenceTrace_conv.csv" ]; then
  A=(run --model llama-2-7b --hardware a100-sxm-80gb --scheduler sarathi --chunk-size 512 --max-batch 128
     --trace "$TRACES/AzureLLMInferenceTrace_conv.csv")
  B=(run --model llama-3-8b --hardware h100-sxm --replicas 32 --router least-outstanding --num-requests 200000
     --qps 120 --arrival poisson --lengths "trace:$TRACES/sharegpt_8k_filtered_stats_llama2_tokenizer.csv")
  # The baseline binary may predate --engine; the current one pins vllm-v0 (the features-off engine).
  ratio_row "(e) features off vs $LLMSIM_BASELINE, (a)" 1.10 "$LLMSIM" "${A[@]}" --engine vllm-v0 -- \
    "$LLMSIM_BASELINE" "${A[@]}"
  ratio_row "(e) features off vs $LLMSIM_BASELINE, (b) at 200k requests" 1.10 "$LLMSIM" "${B[@]}" --engine vllm-v0 -- \
    "$LLMSIM_BASELINE" "${B[@]}"
fi

# (k) KV policies: a per-request retention function in the block manager and the decode batch shape. The target is on
# wall time. A policy also changes what is simulated (faster steps, so more and smaller iterations), so the ratio per
# simulated iteration is printed beside it, and (k'') holds the simulated work equal (batches capped by --max-batch).
iteration_ratio_row() {  # name target numerator_args -- denominator_args  (best of 3 each, interleaved)
  local name=$1 target=$2; shift 2
  local num=() den=()
  split_sides "$@"
  local tmp; tmp=$(mktemp)
  for _ in 1 2 3; do
    "${num[@]}" --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("n", d["wall_s"], d["batches"]["iterations"])' >> "$tmp"
    "${den[@]}" --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("d", d["wall_s"], d["batches"]["iterations"])' >> "$tmp"
  done
  python3 - "$name" "$target" "$tmp" <<'PY'
import sys
name, target, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
rows = [l.split() for l in open(path)]
n = min((float(w), int(i)) for s, w, i in rows if s == "n")
d = min((float(w), int(i)) for s, w, i in rows if s == "d")
per = (n[0] / n[1]) / (d[0] / d[1])
wall = n[0] / d[0]
verdict = "OK" if wall <= target else "MISSED"
if wall > target and per <= target:
    verdict += f" on wall; it simulates {n[1] / d[1]:.2f}x the iterations, each within target"
print(f"{name}: {n[0]:.3f} s ({n[1]:,} iterations) vs {d[0]:.3f} s ({d[1]:,}), per iteration {per:.2f}, "
      f"wall ratio {wall:.2f} -> {verdict} (target <= {target} wall)")
PY
  rm -f "$tmp"
}
if [ -f "$TRACES/AzureLLMInferenceTrace_conv.csv" ]; then
  K=(run --model llama-2-7b --hardware a100-sxm-80gb --scheduler sarathi --chunk-size 512 --max-batch 128
     --trace "$TRACES/AzureLLMInferenceTrace_conv.csv" --engine vllm-v0)
  iteration_ratio_row "(k) (a) with --kv-policy streaming --kv-dtype int2:residual=128 vs off" 1.5 \
    "$LLMSIM" "${K[@]}" --kv-policy streaming:sink=4,window=1020 --kv-dtype int2:group=32,residual=128 -- \
    "$LLMSIM" "${K[@]}"
  KB=(run --model llama-3-8b --hardware h100-sxm --replicas 32 --router least-outstanding --num-requests 200000
      --qps 120 --arrival poisson --lengths "trace:$TRACES/sharegpt_8k_filtered_stats_llama2_tokenizer.csv"
      --engine vllm-v0)
  iteration_ratio_row "(k) (b) at 200k requests with --kv-policy h2o:budget=0.2 vs off" 1.5 \
    "$LLMSIM" "${KB[@]}" --kv-policy h2o:budget=0.2 -- "$LLMSIM" "${KB[@]}"
fi
KS=(run --model llama-3-8b --hardware h100-sxm --num-requests 50000 --qps 2000 --arrival poisson --lengths
    builtin:sharegpt --engine vllm-v0 --max-batch 64)
iteration_ratio_row "(k'') equal simulated work (saturated, --max-batch 64): --kv-policy h2o:budget=0.2 vs off" 1.5 \
  "$LLMSIM" "${KS[@]}" --kv-policy h2o:budget=0.2 -- "$LLMSIM" "${KS[@]}"

# (i) speculative decoding: a verify per decode, drafting priced per step and an acceptance draw per request-step.
I=(run --model llama-3.1-8b --hardware h100-sxm --num-requests 20000 --qps 40 --lengths builtin:sharegpt)
ratio_row "(i) --spec-decode eagle:gamma=4,alpha=0.7 vs plain, 20,000 requests" 2.0 \
  "$LLMSIM" "${I[@]}" --spec-decode eagle:gamma=4,alpha=0.7 -- "$LLMSIM" "${I[@]}"

# (f) llmsim sweep of 64 short runs (1,000 requests each): runs/s with 1 and 2 worker threads, best of 3 each,
#     interleaved, each into a fresh database. Target: 2 threads >= 1.7x 1 thread.
sweep_rate() {  # threads -> runs/s printed by the sweep's summary line
  local dir; dir=$(mktemp -d)
  cat > "$dir/spec.json" <<'JSON'
{"base": {"model": "llama-2-7b", "hardware": "a100", "num_requests": 1000, "lengths": "fixed:256:64"},
 "axes": {"grid": {"scheduler": ["vllm", "sarathi"], "qps": [2, 4, 8, 16], "seed": {"from": 0, "to": 7}}}}
JSON
  "$LLMSIM" sweep "$dir/spec.json" --db "$dir/r.sqlite" --threads "$1" --quiet |
    python3 -c 'import re,sys; print(re.search(r"\(([0-9.]+) runs/s", sys.stdin.read()).group(1))'
  rm -rf "$dir"
}
best1=0; best2=0
for _ in 1 2 3; do
  best1=$(python3 -c "print(max($best1, $(sweep_rate 1)))")
  best2=$(python3 -c "print(max($best2, $(sweep_rate 2)))")
done
python3 - "$best1" "$best2" <<'PY'
import sys
one, two = float(sys.argv[1]), float(sys.argv[2])
ratio = two / one
print(f"(f) sweep of 64 runs x 1,000 requests: {one:.1f} runs/s on 1 thread, {two:.1f} on 2 (best of 3), "
      f"ratio {ratio:.2f} -> {'OK' if ratio >= 1.7 else 'MISSED'} (target >= 1.7)")
PY

# (h) llmsim plan: a LLaMA-2-70B capacity search (Vidur's took about an hour of CPU for this kind of space).
plan_dir=$(mktemp -d)
/usr/bin/time -f "%e" -o "$plan_dir/time" "$LLMSIM" plan --model llama-2-70b --hardware h100,a100,l40s \
  --tp 1,2,4,8 --pp 1,2,4 --replicas 1..16 --scheduler vllm,sarathi,orca --max-batch 64,128,256,512 \
  --lengths fixed:1024:256 --num-requests 500 --slo-ttft-ms 2000 --slo-tpot-ms 100 --target-qps 30 \
  --threads 2 --db "$plan_dir/plan.sqlite" --json --quiet > "$plan_dir/plan.json"
python3 - "$plan_dir/plan.json" "$(cat "$plan_dir/time")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); wall = float(sys.argv[2]); s = d["search"]
print(f"(h) plan, LLaMA-2-70B, {s['combinations']} replica configurations x {len(s['replica_counts'])} replica counts "
      f"({s['pruned']} pruned), {s['runs_simulated']} runs on 2 threads: {wall:.1f} s wall, best "
      f"{d['best']['label']} -> {'OK' if wall < 60 else 'MISSED'} (target < 60 s)")
PY
rm -rf "$plan_dir"

# Benchmarks owned by the training and calibration subsystems.
for extra in scripts/bench-train.sh scripts/bench-calibration.sh; do
  if [ -x "$extra" ]; then bash "$extra" "$BUILD"; fi
done
