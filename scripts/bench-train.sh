#!/usr/bin/env bash
# Speed benchmarks of `llmsim train` (hooked into `make bench`):
#  (a) one step: GPT-3 175B on 1,024 A100-80GB (TP 8, PP 8, interleaved over 2 chunks, 1,536 sequences),
#      pipeline DAG of 2 x 8 x 2 x 96 tasks. Target: under 50 ms wall.
#  (b) the largest SC'21 configuration: a 1T-parameter GPT on 3,072 A100 (TP 8, PP 64, 512 micro-batches,
#      65,536 DAG tasks). Target: under 50 ms wall.
#  (c) `--search` over every layout (TP x PP x CP x VPP x micro-batch x recompute x ZeRO) of GPT-3 175B on
#      1,024 GPUs, writing all of them as CSV. Target: under 10 s wall on 2 cores.
# Each case is timed over 5 runs; the median wall time is reported.
set -euo pipefail
BUILD=${1:-build}
LLMSIM="$BUILD/llmsim"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A 1T GPT (Narayanan et al. SC'21, Table 1) as a Hugging Face config: 128 layers, hidden 25600, 160 heads.
cat > "$TMP/gpt-1t.json" <<'JSON'
{"model_type": "gpt2", "n_layer": 128, "n_embd": 25600, "n_head": 160, "n_positions": 2048, "vocab_size": 51200,
 "activation_function": "gelu"}
JSON

measure() {  # name target_s args...
  local name=$1 target=$2; shift 2
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    "$LLMSIM" train "$@" > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err"; exit 1; }
    end=$(date +%s%N)
    times+=("$(((end - start) / 1000))")
  done
  python3 - "$name" "$target" "${times[@]}" <<'PY'
import statistics, sys
name, target, *times = sys.argv[1:]
t = statistics.median(float(x) for x in times) * 1e-6  # microseconds -> s
print(f"{name}: median {t * 1000:.1f} ms over {len(times)} runs -> {'OK' if t < float(target) else 'MISSED'} "
      f"(target < {float(target) * 1000:.0f} ms)")
PY
}

measure "(a) train: GPT-3 175B, 1,024 A100, tp 8 pp 8 vpp 2" 0.05 \
  --model gpt3-175b --hardware a100-sxm-80gb --gpus 1024 --tp 8 --pp 8 --vpp 2 --global-batch 1536 \
  --recompute selective --json
measure "(b) train: GPT 1T, 3,072 A100, tp 8 pp 64, 512 micro-batches" 0.05 \
  --model "$TMP/gpt-1t.json" --hardware a100-sxm-80gb --gpus 3072 --tp 8 --pp 64 --global-batch 3072 \
  --recompute full --json
measure "(c) train --search: GPT-3 175B, 1,024 GPUs, all layouts to CSV" 10 \
  --model gpt3-175b --hardware a100-sxm-80gb --gpus 1024 --global-batch 1536 --search --out "$TMP/layouts.csv"
echo "    $(($(wc -l < "$TMP/layouts.csv") - 1)) layouts in the CSV"
