#!/usr/bin/env bash
# Lays out the fuzz harnesses' seed corpora and the CLI dictionary (used by scripts/fuzz.sh and by the fuzz smoke
# tests of `make test`):  scripts/fuzz-seeds.sh OUT_DIR
#   OUT_DIR/seeds/HARNESS/*  the repo's own small files, a few inline examples, and the first lines of the shared
#                            traces (../shared, or LLMSIM_SHARED_DIR) -- read from there, never copied into the repo;
#   OUT_DIR/cli.dict         subcommands and every flag the sources register, so CLI mutations speak its words.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir="$(realpath -m "$1")"
shared="${LLMSIM_SHARED_DIR:-../shared}"
mkdir -p "$out_dir"
seeds="$out_dir/seeds"
rm -rf "$seeds"
seed_file() {  # seed_file HARNESS NAME CONTENT
  mkdir -p "$seeds/$1"
  printf '%b' "$3" >"$seeds/$1/$2"
}
seed_copy() {  # seed_copy HARNESS FILE... (repo files)
  local h="$1"
  shift
  mkdir -p "$seeds/$h"
  for f in "$@"; do cp "$f" "$seeds/$h/"; done
}
seed_shared_head() {  # seed_shared_head HARNESS GLOB: the first 30 lines of each shared trace matching GLOB
  local h="$1" f
  mkdir -p "$seeds/$h"
  for f in "$shared"/traces/$2; do
    [ -f "$f" ] && head -n 30 "$f" >"$seeds/$h/$(basename "$f")"
  done
  return 0
}

seed_file fuzz_trace_vidur v.csv 'arrived_at,num_prefill_tokens,num_decode_tokens\n0,10,0\n1.5,30,4\n'
seed_file fuzz_trace_splitwise s.csv \
  'request_id,request_type,application_id,arrival_timestamp,batch_size,prompt_size,token_size\n0,2,0,1,1,4096,32\n1,2,0,3.25,2,2048,8\n'
seed_file fuzz_trace_burstgpt b.csv \
  'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,490,Conversation log\n50,GPT-4,300,0,300,API log\n'
seed_file fuzz_trace_llmservingsim l.jsonl \
  '{"input_toks":10,"output_toks":70,"arrival_time_ns":46926808,"input_tok_ids":[1,2,3]}\n{"input_toks":22,"output_toks":104,"arrival_time_ns":347938952}\n'
seed_file fuzz_trace_azure a.csv 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50+01:00,12,3\n'
seed_file fuzz_trace_mooncake m.jsonl '{"timestamp": 0, "input_length": 700, "output_length": 5, "hash_ids": [0, 1]}\n'
seed_file fuzz_trace_sharegpt_stats s.csv 'num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\n10,5,15,2\n'
seed_shared_head fuzz_trace_azure 'Azure*.csv'
seed_shared_head fuzz_trace_mooncake 'mooncake*.jsonl'
seed_shared_head fuzz_trace_sharegpt_stats '*_stats*.csv'
mkdir -p "$seeds/fuzz_trace_auto"
cp "$seeds"/fuzz_trace_*/* "$seeds/fuzz_trace_auto/" 2>/dev/null || true
seed_copy fuzz_hardware hardware/presets/*.json hardware/base/*.json
seed_copy fuzz_hf_config tests/data/hf/*.json
seed_copy fuzz_inference_perf tests/data/inference_perf/*.yaml
seed_copy fuzz_engine_preset policies/engine/presets/*.json
seed_file fuzz_run_config run.json \
  '{"model": "llama-2-7b", "hardware": "a100", "tp": 1, "scheduler": "sarathi", "qps": 2.5, "num_requests": 10,\n "lengths": "fixed:512:128", "slo_ttft_ms": 500, "seed": 3}\n'
seed_file fuzz_run_config inf.json '{"qps": "inf", "max-batch": 8, "arrival": "gamma:2"}\n'
seed_file fuzz_sweep_spec sweep.json \
  '{"name": "rate sweep", "base": {"model": "llama-2-7b", "hardware": "a100", "num_requests": 20},\n "axes": {"grid": {"scheduler": ["vllm", "sarathi"], "qps": {"from": 1, "to": 16, "factor": 2}, "seed": {"from": 0, "to": 2}},\n "zip": {"tp": [1, 2], "replicas": [2, 1]}}}\n'
seed_file fuzz_sweep_spec top.json '{"command": "run", "grid": {"qps": {"from": 0.5, "to": 2, "step": 0.5}}}\n'
# CLI argument vectors: the arguments NUL-separated.
seed_args() {  # seed_args NAME ARG...
  local name="$1"
  shift
  mkdir -p "$seeds/fuzz_cli"
  printf '%s\0' "$@" | head -c -1 >"$seeds/fuzz_cli/$name"
}
seed_args list list models
seed_args cost cost --model llama-2-7b --hardware a100 --prefill-tokens 512 --json
seed_args run run --num-requests 5 --qps inf --lengths fixed:16:4 --json
seed_args train train --model llama-2-7b --hardware a100 --tp 2 --pp 2 --json
seed_args trace trace generate --num-requests 3 --out t.csv
# The CLI dictionary: subcommands and every flag the sources register, so mutations speak the CLI's words.
dict="$out_dir/cli.dict"
{
  for w in run cost list trace train sweep query calibrate stats derive generate models hardware schedulers \
           routers traces engines inf fixed:16:4 poisson gamma:2; do
    echo "\"$w\""
  done
  grep -oh '"--[a-z0-9-]*"' tools/commands/*.cpp tools/*.cpp || true
  grep -oh '^ *{"[a-z0-9-]*", SettingKind' tools/run_config.cpp | sed 's/^ *{"\([a-z0-9-]*\)".*/"--\1"/'
} | sort -u >"$dict"

