// The real public traces in ../shared/traces (skipped when absent): counts and means stated in
// ../shared/traces/README.md, and read speed.
#include <catch2/catch.hpp>

#include <chrono>

#include "tests/support/test_support.hpp"
#include "traces/derive_stats.hpp"
#include "traces/trace_format.hpp"

using namespace llmsim;
using namespace llmsim::traces;

namespace {

struct Expected {
    const char* file;
    const char* format;
    int64_t rows;
    double span_s;  // 0: lengths only
    double prompt_mean;
    double prompt_median;
    int64_t prompt_max;
    double output_mean;
    int64_t output_max;
};

// From ../shared/traces/README.md (derived there with a separate Python script).
const Expected expected[] = {
    {"AzureLLMInferenceTrace_conv.csv", "azure", 19366, 3501.7, 1154.7, 1020, 14050, 211.1, 1000},
    {"AzureLLMInferenceTrace_code.csv", "azure", 8819, 3435.9, 2047.8, 1469, 7437, 27.9, 1899},
    {"mooncake_conversation_trace.jsonl", "mooncake", 12031, 3537.0, 12035, 6909, 126195, 343, 2000},
    {"mooncake_synthetic_trace.jsonl", "mooncake", 3993, 1022.0, 15325, 11587, 191378, 149, 893},
    {"sharegpt_8k_filtered_stats_llama2_tokenizer.csv", "sharegpt-stats", 30731, 0, 2340, 1730, 8141, 438.7, 1024},
    {"arxiv_summarization_stats_llama2_tokenizer_filtered_v2.csv", "sharegpt-stats", 28257, 0, 2588, 2730, 4054, 291.4,
     4056},
};

}  // namespace

TEST_CASE("traces: real public traces reproduce the README statistics", "[traces][shared]") {
    int found = 0;
    for (const auto& e : expected) {
        const auto path = test::shared_file(std::string("traces/") + e.file);
        if (!path) continue;
        ++found;
        INFO(e.file);
        CHECK(detect_trace_format(*path) == e.format);
        const Workload w = read_trace(*path);
        CHECK(w.notes.empty());  // no zero outputs, no disorder in these files
        const TraceStats st = compute_trace_stats(w);
        CHECK(st.requests == e.rows);
        CHECK(st.has_timestamps == (e.span_s > 0));
        if (e.span_s > 0) CHECK(st.span_s == Approx(e.span_s).margin(0.05));
        CHECK(st.prompt.mean == Approx(e.prompt_mean).margin(0.5));
        CHECK(st.prompt.median == e.prompt_median);
        CHECK(st.prompt.max == e.prompt_max);
        CHECK(st.output.mean == Approx(e.output_mean).margin(0.5));
        CHECK(st.output.max == e.output_max);
    }
    if (found == 0) test::skip("../shared/traces not present");
}

TEST_CASE("traces: mooncake hash-id reuse matches the README and reads fast", "[traces][shared]") {
    const auto path = test::shared_file("traces/mooncake_conversation_trace.jsonl");
    if (!path) {
        test::skip("../shared/traces/mooncake_conversation_trace.jsonl not present");
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    const Workload w = read_trace(*path, "mooncake");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (test::timing_is_meaningful) CHECK(seconds < 1.0);
    const TraceStats st = compute_trace_stats(w);
    CHECK(st.repeated_hash_fraction == Approx(0.366).margin(0.001));
    // Every request's segments (one per 512-token hash block) cover its prompt exactly.
    for (const auto& r : w.requests) {
        REQUIRE(r.segment_count == static_cast<uint32_t>((r.prompt_tokens + 511) / 512));
        int64_t tokens = 0;
        for (uint32_t i = 0; i < r.segment_count; ++i)
            tokens += w.segments[r.segment_offset + i].tokens;
        REQUIRE(tokens == r.prompt_tokens);
    }
}
