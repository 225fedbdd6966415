#pragma once
// One reader per public trace format (one .cpp each). Each has a detector that looks only at the first line
// (CSV header or first JSON object) and a reader that returns a validated Workload or throws InputError.
// Use traces/trace_format.hpp (the registry) rather than calling these directly.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "traces/workload.hpp"

namespace llmsim::traces::formats {

// Vidur trace-replay CSV: arrived_at (s), num_prefill_tokens, num_decode_tokens; extra columns ignored.
bool detect_vidur(std::string_view first_line);
Workload read_vidur(const std::string& path);

// Azure LLM inference 2023/2024 CSV: TIMESTAMP (wall clock), ContextTokens, GeneratedTokens.
bool detect_azure(std::string_view first_line);
Workload read_azure(const std::string& path);
// "YYYY-MM-DD HH:MM:SS[.f{1,9}][Z|+HH:MM|-HH:MM]" -> ns since 1970-01-01 (offset applied; no offset = as written).
std::optional<int64_t> parse_azure_timestamp_ns(std::string_view text);

// Mooncake FAST'25 JSONL: timestamp (ms), input_length, output_length, hash_ids (512-token prefix blocks -> one
// prompt segment each).
bool detect_mooncake(std::string_view first_line);
Workload read_mooncake(const std::string& path);
inline constexpr int32_t mooncake_hash_block_tokens = 512;

// Splitwise simulator CSV: request_id, request_type, application_id, arrival_timestamp (s), batch_size,
// prompt_size, token_size.
bool detect_splitwise(std::string_view first_line);
Workload read_splitwise(const std::string& path);

// Lengths-only stats CSV (Vidur / Sarathi-Serve processed traces): num_prefill_tokens, num_decode_tokens
// [, num_total_tokens, pd_ratio]; no timestamps.
bool detect_sharegpt_stats(std::string_view first_line);
Workload read_sharegpt_stats(const std::string& path);

// BurstGPT CSV: Timestamp (s), Model, Request tokens, Response tokens, Total tokens, Log Type.
bool detect_burstgpt(std::string_view first_line);
Workload read_burstgpt(const std::string& path);

// LLMServingSim JSONL dataset: input_toks, output_toks, arrival_time_ns (+ optional input_tok_ids -> 16-token
// prompt segments).
bool detect_llmservingsim(std::string_view first_line);
Workload read_llmservingsim(const std::string& path);

}  // namespace llmsim::traces::formats
