// Engine presets through the real binary: list engines, --engine defaults recorded in config.resolved.json and the
// summary, explicit flags winning over the preset, user engine files, and every bad engine file or name (exit 2, one
// line naming the file and JSON pointer or the flag, nothing written).
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "common/json_io.hpp"
#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;
using llmsim::Json;

namespace {

Json shipped(const std::string& id) {
    return Json::parse(read_text(source_path("policies/engine/presets/" + id + ".json")));
}

// Runs with --out and returns (summary, config.resolved.json).
std::pair<Json, Json> run_out(std::vector<std::string> args) {
    TempDir dir;
    const std::string out = dir.file("run");
    args.push_back("--out");
    args.push_back(out);
    const CommandResult r = run_llmsim(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return {Json::parse(read_text(out + "/summary.json")), Json::parse(read_text(out + "/config.resolved.json"))};
}

struct BadFile {
    std::string name;
    std::function<void(Json&)> edit;
    std::vector<std::string> fragments;
};

Json without_wall_time(Json j) {
    j.erase("wall_s");
    j.erase("simulated_requests_per_wall_s");
    return j;
}

}  // namespace

TEST_CASE("bad engine files are exit-2 errors naming the file and the JSON pointer", "[cli][engine]") {
    TempDir dir;
    // Each case edits a copy of the shipped vllm preset.
    const std::vector<BadFile> cases = {
        {"unknown_key.json",
         [](Json& j) { j["host"]["per_step_uss"] = 1; },
         {"#/host/per_step_uss", "did you mean 'per_step_us'"}},
        {"unknown_top.json", [](Json& j) { j["descripton"] = "x"; }, {"#/descripton", "did you mean 'description'"}},
        {"no_source.json", [](Json& j) { j.erase("source"); }, {"#/source", "missing 'source'"}},
        {"no_kv_source.json", [](Json& j) { j["kv_cache"].erase("source"); }, {"#/kv_cache/source", "missing"}},
        {"no_sched_source.json", [](Json& j) { j["scheduler"].erase("source"); }, {"#/scheduler/source", "missing"}},
        {"empty_source.json", [](Json& j) { j["kernels"]["source"] = "  "; }, {"#/kernels/source", "empty"}},
        {"negative.json", [](Json& j) { j["host"]["per_step_us"] = -5; }, {"#/host/per_step_us", "-5"}},
        {"huge.json", [](Json& j) { j["front_end"]["ingress_us"] = 1e30; }, {"#/front_end/ingress_us", "1e+30"}},
        {"mpi.json",
         [](Json& j) { j["kernels"]["all_reduce"] = "mpi"; },
         {"#/kernels/all_reduce", "'mpi'", "'nccl' or 'custom'"}},
        {"policy.json",
         [](Json& j) { j["scheduler"]["policy"] = "sarathy"; },
         {"#/scheduler/policy", "did you mean 'sarathi'"}},
        {"last_row.json",
         [](Json& j) {
             j["scheduler"]["limits"] = Json::parse(R"([{"min_device_memory_gib": 70,
             "max_num_seqs": 8, "max_num_batched_tokens": 64}])");
         },
         {"#/scheduler/limits/0", "last limits row must have no conditions"}},
        {"last_row_unless.json",
         [](Json& j) { j["scheduler"]["limits"][1]["unless_device"] = "a100"; },
         {"#/scheduler/limits/1", "no conditions"}},
        {"zero_seqs.json",
         [](Json& j) { j["scheduler"]["limits"][1]["max_num_seqs"] = 0; },
         {"#/scheduler/limits/1/max_num_seqs", "got 0"}},
        {"schema.json", [](Json& j) { j["schema_version"] = 2; }, {"#/schema_version", "unsupported schema_version 2"}},
        {"kv_dtype.json", [](Json& j) { j["kv_cache"]["dtype"] = "int4"; }, {"#/kv_cache/dtype", "'int4'"}},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        Json j = shipped("vllm");
        c.edit(j);
        const std::string path = dir.write(c.name, j.dump(2));
        std::vector<std::string> expected = c.fragments;
        expected.push_back(path);
        expect_exit2_writing_nothing({"run", "--engine", path, "--num-requests", "5"}, expected);
    }
    // Not JSON at all: file:line.
    const std::string broken = dir.write("broken.json", "{\n  \"id\": \"x\",\n  oops\n}\n");
    expect_exit2_writing_nothing({"run", "--engine", broken}, {broken + ":3"});
}

TEST_CASE("unknown engine names and missing engine files are usage errors naming --engine", "[cli][engine]") {
    expect_exit2_writing_nothing({"run", "--engine", "vlm"},
                                 {"--engine", "unknown engine 'vlm'", "did you mean 'vllm'", "trtllm"});
    TempDir dir;
    const std::string missing = dir.file("nope/engine.json");
    expect_exit2_writing_nothing({"run", "--engine", missing}, {"--engine", missing, "does not exist"});
    // cost takes no --out.
    expect_quiet_exit2({"cost", "--engine", "sglan", "--decode-batch", "1", "--context-tokens", "100"},
                       {"--engine", "did you mean 'sglang'"});
}

TEST_CASE("list engines shows every preset with its source", "[cli][engine]") {
    const CommandResult r = run_llmsim({"list", "engines"});
    REQUIRE(r.exit_code == 0);
    for (const char* id : {"vllm", "vllm-v0", "sglang", "trtllm", "lmdeploy"}) {
        INFO(id);
        const bool listed =
            r.out.rfind(std::string(id) + " ", 0) == 0 || r.out.find(std::string("\n") + id + " ") != std::string::npos;
        CHECK(listed);
    }
    size_t sources = 0;
    for (size_t p = r.out.find("source: "); p != std::string::npos; p = r.out.find("source: ", p + 1))
        ++sources;
    CHECK(sources == 5);
    CHECK(r.out.find("alias vllm-v1") != std::string::npos);
    CHECK(r.out.find("(overlapped)") != std::string::npos);
    CHECK(r.out.find("(serial)") != std::string::npos);
}

TEST_CASE("run --engine: defaults by device, FP8 KV with FP8 weights, explicit flags win", "[cli][engine]") {
    SECTION("the default engine is vllm; its token budget follows the device") {
        const auto [a100, a100_cfg] = run_out({"run", "--num-requests", "5"});
        CHECK(a100_cfg["engine"] == "vllm");
        CHECK(a100["deployment"]["engine"] == "vllm");
        CHECK(a100_cfg["chunk-size"] == 2048);
        CHECK(a100_cfg["max-batch"] == 256);
        const auto [h100, h100_cfg] = run_out({"run", "--hardware", "h100", "--num-requests", "5"});
        CHECK(h100_cfg["chunk-size"] == 8192);
        CHECK(h100_cfg["max-batch-tokens"] == 8192);
        CHECK(h100_cfg["max-batch"] == 1024);
    }
    SECTION("trtllm with an FP8 checkpoint stores KV in FP8; an explicit --kv-dtype wins") {
        const auto [s, cfg] =
            run_out({"run", "--engine", "trtllm", "--hardware", "h100", "--dtype", "fp8", "--num-requests", "5"});
        CHECK(cfg["kv-dtype"] == "fp8");
        CHECK(s["deployment"]["kv_dtype"] == "fp8");
        CHECK(s["deployment"]["engine"] == "trtllm");
        CHECK(cfg["block-size"] == 32);
        const auto [s16, cfg16] = run_out({"run", "--engine", "trtllm", "--hardware", "h100", "--dtype", "fp8",
                                           "--kv-dtype", "fp16", "--num-requests", "5"});
        CHECK(cfg16["kv-dtype"] == "fp16");
        CHECK(s16["deployment"]["kv_dtype"] == "fp16");
        // vLLM's kv_cache_dtype auto keeps the KV in the activation dtype: an FP8 checkpoint has a BF16 cache.
        const auto [v, vcfg] =
            run_out({"run", "--engine", "vllm", "--hardware", "h100", "--dtype", "fp8", "--num-requests", "5"});
        CHECK(vcfg["kv-dtype"] == "bf16");
        CHECK(v["deployment"]["kv_dtype"] == "bf16");
        CHECK(v["deployment"]["engine"] == "vllm");
        // The vllm-v0 preset keeps what --dtype implies (FP8 KV with FP8 weights).
        const auto [v0, v0cfg] =
            run_out({"run", "--engine", "vllm-v0", "--hardware", "h100", "--dtype", "fp8", "--num-requests", "5"});
        CHECK(v0cfg["kv-dtype"].is_null());
        CHECK(v0["deployment"]["kv_dtype"] == "fp8");
    }
    SECTION("explicit flags override the preset and are recorded as given") {
        const auto [s, cfg] = run_out({"run", "--engine", "vllm", "--scheduler", "vllm", "--max-batch", "7",
                                       "--prefix-cache", "off", "--num-requests", "5"});
        CHECK(cfg["engine"] == "vllm");
        CHECK(cfg["scheduler"] == "vllm");
        CHECK(cfg["max-batch"] == 7);
        CHECK(cfg["prefix-cache"] == "off");
        CHECK(s["deployment"]["scheduler"] == "vllm");
        CHECK_FALSE(s.contains("prefix_cache"));
        // The rest still comes from the preset.
        CHECK(cfg["framework-overhead"] == "engine");
        CHECK(cfg["block-size"] == 16);
    }
}

TEST_CASE("run --engine PATH.json with a copy of a shipped preset matches the named preset", "[cli][engine]") {
    TempDir dir;
    for (const char* id : {"sglang", "vllm"}) {
        INFO(id);
        const std::string path = dir.write(std::string("copy-") + id + ".json", shipped(id).dump(2));
        const std::vector<std::string> common = {"--hardware", "h100", "--num-requests", "40", "--seed", "7", "--json"};
        std::vector<std::string> named = {"run", "--engine", id};
        std::vector<std::string> from_file = {"run", "--engine", path};
        named.insert(named.end(), common.begin(), common.end());
        from_file.insert(from_file.end(), common.begin(), common.end());
        const Json a = without_wall_time(run_ok_json(named));
        const Json b = without_wall_time(run_ok_json(from_file));
        CHECK(a.dump() == b.dump());
    }
}
