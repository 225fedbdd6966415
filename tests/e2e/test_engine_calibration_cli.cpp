// llmsim calibrate --serving-log: fits an engine preset's host and front-end parameters to measured serving runs,
// writes a preset that `run --engine PATH` accepts, and reports in-sample and held-out errors. The measured runs are
// ../shared/reference/real-serving (read from there, never copied); bad logs are exit-2 errors naming file and
// column.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

// The header and the rows of the named experiments (a small log keeps the fit fast).
std::string subset(const std::string& path, const std::vector<std::string>& experiments) {
    const std::string text = read_text(path);
    std::string out = text.substr(0, text.find('\n') + 1);
    size_t at = out.size();
    while (at < text.size()) {
        const size_t end = text.find('\n', at);
        const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at + 1);
        for (const auto& e : experiments) {
            if (line.rfind(e + ",", 0) == 0) out += line;
        }
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("calibrate --serving-log fits the front end, writes a runnable preset and reports held-out error",
          "[cli][engine][calibrate]") {
    const auto csv = shared_file("reference/real-serving/vllm-h100-shared-prefix-dev.csv");
    if (!csv) {
        skip("../shared/reference/real-serving not present");
        return;
    }
    TempDir dir;
    const std::string log = dir.write("log.csv", subset(*csv, {"20260217-155451-llama-2-7b-tp1-codegen",
                                                               "20260218-150956-codellama-34b-tp2-codegen"}));
    const std::string preset = dir.file("fitted.json");
    const std::string report = dir.file("report.md");
    // Start the search from no front end at all: the fit must find the latency the measurements show.
    Json start = Json::parse(read_text(source_path("policies/engine/presets/vllm.json")));
    start["front_end"]["ingress_us"] = 0;
    const std::string base = dir.write("start.json", start.dump(2));
    const CommandResult r =
        run_llmsim({"calibrate", "--serving-log", log, "--hardware", "h100", "--engine", base, "--fit",
                    "front_end.ingress_us", "--max-rounds", "6", "--out", preset, "--report", report, "--quiet"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string md = read_text(report);
    CHECK(md.find("## In sample") != std::string::npos);
    CHECK(md.find("## Held out (by model") != std::string::npos);
    CHECK(md.find("replayed single-turn") != std::string::npos);
    std::printf("\n%s\n", md.c_str());
    const Json fitted = Json::parse(read_text(preset));
    const double ingress = fitted["front_end"]["ingress_us"].get<double>();
    CHECK(ingress > 1000);  // a few milliseconds of API-server latency, as the measured TTFTs need
    CHECK(ingress < 30000);
    CHECK(fitted["source"].get<std::string>().find("calibrate --serving-log") != std::string::npos);
    // The fitted preset runs, and is what the report says it is.
    const CommandResult run = run_llmsim({"run", "--engine", preset, "--num-requests", "20", "--json"});
    INFO(run.err);
    CHECK(run.exit_code == 0);
    CHECK(Json::parse(run.out)["deployment"]["engine"] == "vllm-calibrated");
}

TEST_CASE("calibrate --serving-log: bad logs and options are usage errors naming the place",
          "[cli][engine][calibrate]") {
    TempDir dir;
    const std::string header =
        "exp_dir,model,tp,max_num_seqs,max_num_batched_tokens,max_model_len,load_type,stages_rate_rps,"
        "stages_duration_s,data_type,resolved_num_groups,resolved_num_prompts_per_group,system_prompt_len,"
        "question_len,output_len,enable_multi_turn_chat,scope,ttft_mean_s,e2e_mean_s,failure_count\n";
    const std::string row =
        "e1,meta-llama/Llama-2-7b-hf,1,128,2048,4096,constant,5,60,shared_prefix,2,2,100,400,50,"
        "False,stage_0,0.03,1.2,0\n";
    const std::string good = dir.write("good.csv", header + row);
    expect_exit2(
        {"calibrate", "--serving-log", dir.write("missing.csv", "exp_dir,model\ne1,x\n"), "--hardware", "h100"},
        {"missing.csv", "tp"});
    expect_exit2(
        {"calibrate", "--serving-log",
         dir.write("model.csv", header + "e1,acme/unknown-13b" + row.substr(row.find(",1,128"))), "--hardware", "h100"},
        {"model.csv:2", "model", "acme/unknown-13b", "--model-map"});
    std::string bad_rate = row;
    bad_rate.replace(bad_rate.find("constant,5,"), 11, "constant,x,");
    expect_exit2({"calibrate", "--serving-log", dir.write("rate.csv", header + bad_rate), "--hardware", "h100"},
                 {"rate.csv:2", "rate"});
    std::string random = row;
    random.replace(random.find("shared_prefix"), 13, "random");
    expect_exit2({"calibrate", "--serving-log", dir.write("random.csv", header + random), "--hardware", "h100"},
                 {"random.csv:2", "data_type", "random"});
    expect_exit2({"calibrate", "--serving-log", good}, {"--hardware"});
    expect_exit2({"calibrate", "--serving-log", good, "--hardware", "h100", "--fit", "host.per_stepp_us"},
                 {"--fit", "host.per_step_us"});
    expect_exit2({"calibrate", "--serving-log", good, "--hardware", "h100", "--model-map", "nomap"}, {"--model-map"});
    expect_exit2({"calibrate", "--serving-log", good, "--hardware", "h100", "--max-rounds", "0"}, {"--max-rounds"});
}
