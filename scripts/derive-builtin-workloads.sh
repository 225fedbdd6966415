#!/usr/bin/env bash
# Regenerates traces/builtin/*.json (derived workload statistics compiled into llmsim) from the public trace
# copies in ../shared/traces, using the built binary. The JSON files hold summary statistics only (quantile
# tables, rates, correlation), never rows of the source files.
#
# Usage: scripts/derive-builtin-workloads.sh [BUILD_DIR] [SHARED_TRACES_DIR]
#   BUILD_DIR          directory with the built llmsim binary (default: build)
#   SHARED_TRACES_DIR  directory with the trace copies (default: ../shared/traces next to the repository)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build}"
[[ "$build" = /* ]] || build="$root/$build"
src="${2:-$root/../shared/traces}"
llmsim="$build/llmsim"
out="$root/traces/builtin"

[[ -x "$llmsim" ]] || { echo "error: $llmsim not found; build first (make build)" >&2; exit 2; }
[[ -d "$src" ]] || { echo "error: trace directory $src not found" >&2; exit 2; }
mkdir -p "$out"

azure_upstream="Azure/AzurePublicDataset @ 790921015d50dd6aae7f7e47f39ba0e235ad6b08"
azure_licence="CC-BY 4.0 (AzurePublicDataset LICENSE; AzureLLMInferenceDataset2023.md)"
azure_citation="Patel et al., Splitwise: Efficient generative LLM inference using phase splitting, ISCA 2024"

derive() {  # name file description upstream licence citation
    "$llmsim" trace derive --trace "$src/$2" --name "$1" --out "$out/$1.json" \
        --description "$3" --source-file "$2" --upstream "$4" --licence "$5" --citation "$6"
}

derive azure-conv-2023 AzureLLMInferenceTrace_conv.csv \
    "Azure LLM inference 2023, conversation service: 1 h, 19,366 requests, bursty arrivals (default workload)" \
    "$azure_upstream, data/AzureLLMInferenceTrace_conv.csv" "$azure_licence" "$azure_citation"

derive azure-code-2023 AzureLLMInferenceTrace_code.csv \
    "Azure LLM inference 2023, code service: 1 h, 8,819 requests, long prompts, short outputs, very bursty" \
    "$azure_upstream, data/AzureLLMInferenceTrace_code.csv" "$azure_licence" "$azure_citation"

derive sharegpt sharegpt_8k_filtered_stats_llama2_tokenizer.csv \
    "ShareGPT conversations (Llama-2 tokenizer, <= 8k tokens): 30,731 length pairs, no timestamps" \
    "microsoft/sarathi-serve @ 72339db5b120614033b317880ad3a05a5e4c9415, data/processed_traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv" \
    "Apache-2.0 (sarathi-serve LICENSE); licence of the underlying ShareGPT conversations not verified" \
    "Agrawal et al., Taming throughput-latency tradeoff in LLM inference with Sarathi-Serve, OSDI 2024"

derive arxiv-summarization arxiv_summarization_stats_llama2_tokenizer_filtered_v2.csv \
    "arXiv summarization (Llama-2 tokenizer): 28,257 length pairs, long prompts, no timestamps" \
    "microsoft/vidur @ 6d98aa8f71696520acc603d87439e77cc78160a7, data/processed_traces/arxiv_summarization_stats_llama2_tokenizer_filtered_v2.csv" \
    "MIT (vidur LICENSE); licence of the underlying arXiv-summarization dataset not verified" \
    "Agrawal et al., Vidur: A large-scale simulation framework for LLM inference, MLSys 2024"

derive mooncake-conversation mooncake_conversation_trace.jsonl \
    "Mooncake (Kimi) conversation trace, FAST'25: 1 h, 12,031 requests, very long prompts" \
    "kvcache-ai/Mooncake @ 3cca71daccf2a7afb8fe3f0295358f70e3a69fdb, FAST25-release/traces/conversation_trace.jsonl" \
    "Apache-2.0 (repository LICENSE-APACHE; no separate data licence stated)" \
    "Qin et al., Mooncake: Trading more storage for less computation, FAST 2025"

ls -l "$out"
