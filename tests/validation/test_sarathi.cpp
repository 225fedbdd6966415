// Validation against Sarathi-Serve's OSDI'24 artifact (microsoft/sarathi-serve osdi-experiments, copies in
// ../shared/reference/sarathi-serve-osdi): Yi-34B, TP2 on A100-80GB PCIe with pairwise NVLink, vLLM-style engine
// (host overhead preset vllm-v0).
//  - figure-2: prefill-only batches (one prompt of N tokens) and decode-only batches (N requests at ~1021 cached
//    tokens: the run script uses 1024-token requests with prefill:decode 255), batch execution time in seconds.
//  - figure-9: time to prefill a prompt of L tokens in chunks of C tokens (ms).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/csv.hpp"
#include "tests/support/test_support.hpp"
#include "tests/validation/validation_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

const std::vector<std::string> kBase = {"--model", "yi-34b", "--hardware", "a100-pcie-80gb", "--tp", "2",
                                         "--engine", "vllm-v0"};

std::vector<ErrorRow> figure2_rows(const std::string& path, bool prefill) {
    std::vector<ErrorRow> rows;
    CsvReader csv(path);
    const size_t c_tokens = csv.require_column("batch_num_tokens");
    const size_t c_time = csv.require_column("batch_execution_time");
    while (csv.next()) {
        const auto n = static_cast<int64_t>(csv.get_double(c_tokens));
        std::vector<std::string> args = {"cost", "--framework-overhead", "vllm-v0"};
        args.insert(args.end(), kBase.begin(), kBase.end());
        if (prefill) {
            args.insert(args.end(), {"--prefill-tokens", std::to_string(n)});
        } else {
            args.insert(args.end(), {"--decode-batch", std::to_string(n), "--context-tokens", "1021"});
        }
        const auto j = run_json(args);
        rows.push_back({std::string(prefill ? "prefill " : "decode batch ") + std::to_string(n),
                        csv.get_double(c_time) * 1e3, j["total_time_ms"].get<double>()});
    }
    return rows;
}

}  // namespace

TEST_CASE("Sarathi-Serve Yi-34B prefill and decode batch times within 20% median", "[validation][sarathi]") {
    const auto prefill_csv = shared_file("reference/sarathi-serve-osdi/figure-2_prefill.csv");
    const auto decode_csv = shared_file("reference/sarathi-serve-osdi/figure-2_decode.csv");
    const auto chunk_csv = shared_file("reference/sarathi-serve-osdi/figure-9_chunking-overhead.csv");
    if (!prefill_csv || !decode_csv || !chunk_csv) {
        skip("../shared/reference/sarathi-serve-osdi not present");
        return;
    }
    const auto prefill = figure2_rows(*prefill_csv, true);
    const auto decode = figure2_rows(*decode_csv, false);
    std::vector<ErrorRow> chunked;
    CsvReader csv(*chunk_csv);
    const size_t c_len = csv.require_column("prefill_length");
    const size_t c_chunk = csv.require_column("chunk_size");
    const size_t c_time = csv.require_column("prefill_execution_time");
    while (csv.next()) {
        const int64_t len = csv.get_int(c_len);
        const int64_t chunk = csv.get_int(c_chunk);
        std::vector<std::string> args = {"run",
                                         "--scheduler",
                                         "sarathi",
                                         "--chunk-size",
                                         std::to_string(chunk),
                                         "--num-requests",
                                         "1",
                                         "--qps",
                                         "inf",
                                         "--lengths",
                                         "fixed:" + std::to_string(len) + ":1",
                                         "--max-model-len",
                                         "20000"};
        args.insert(args.end(), kBase.begin(), kBase.end());
        const auto j = run_json(args);
        chunked.push_back({"prefill " + std::to_string(len) + " in chunks of " + std::to_string(chunk),
                           csv.get_double(c_time), j["ttft_ms"]["mean"].get<double>()});
    }
    const double p = report_errors("Sarathi-Serve figure 2, prefill-only batch time (ms)", prefill);
    const double d = report_errors("Sarathi-Serve figure 2, decode-only batch time (ms)", decode);
    const double c = report_errors("Sarathi-Serve figure 9, chunked prefill time (ms)", chunked);
    std::vector<ErrorRow> all = prefill;
    all.insert(all.end(), decode.begin(), decode.end());
    all.insert(all.end(), chunked.begin(), chunked.end());
    const double overall = report_errors("Sarathi-Serve Yi-34B, all batch-time rows", all);
    CHECK(overall <= 0.20);
    CHECK(p <= 0.20);
    CHECK(c <= 0.20);
    // Known gap (see README, "Accuracy"): decode-only batches in this artifact cost ~1 ms more per request than
    // reading their KV cache does; our model stays within ~60% and this guards against it getting worse.
    CHECK(d <= 0.60);
}
