// The new model families end to end through the CLI: listed, served, costed, and bad configs rejected with exit 2.
#include <catch2/catch.hpp>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

TEST_CASE("llmsim list models shows today's families", "[cli][families]") {
    const CommandResult r = run_llmsim({"list", "models"});
    REQUIRE(r.exit_code == 0);
    for (const char* id : {"qwen3-8b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-235b-a22b", "deepseek-v3", "gemma-2-9b",
                           "gemma-3-27b", "llama-4-scout", "llama-4-maverick"}) {
        INFO(id);
        CHECK(r.out.find(std::string(id) + " ") != std::string::npos);
    }
    CHECK(r.out.find("MLA latent 576") != std::string::npos);
}

TEST_CASE("DeepSeek-V3 serves on 16 H100s and Qwen3-30B-A3B costs op by op", "[cli][families]") {
    // 671B at fp8 needs more than 8 x 80 GB: two pipeline stages of TP 8.
    const CommandResult run =
        run_llmsim({"run", "--model", "deepseek-v3", "--hardware", "h100", "--tp", "8", "--pp", "2", "--dtype", "fp8",
                    "--num-requests", "40", "--qps", "2", "--lengths", "fixed:1024:64", "--json"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto summary = llmsim::Json::parse(run.out);
    CHECK(summary["completed"].get<int>() == 40);
    CHECK(summary["tpot_ms"]["p50"].get<double>() > 0);

    const CommandResult cost = run_llmsim({"cost", "--model", "qwen3-30b-a3b", "--hardware", "h100", "--decode-batch",
                                           "16", "--context-tokens", "1024", "--json"});
    INFO(cost.err);
    REQUIRE(cost.exit_code == 0);
    const auto j = llmsim::Json::parse(cost.out);
    bool experts = false;
    for (const auto& op : j["ops"]) {
        if (op["name"] == "moe_experts") experts = op["layers"].get<int>() == 48;
    }
    CHECK(experts);

    // DeepSeek's dense head: three layers run the dense MLP, 58 the experts.
    const CommandResult ds = run_llmsim({"cost", "--model", "deepseek-v3", "--hardware", "h200", "--tp", "8", "--dtype",
                                         "fp8", "--prefill-tokens", "512", "--json"});
    REQUIRE(ds.exit_code == 0);
    int dense = 0, moe = 0;
    const auto ds_json = llmsim::Json::parse(ds.out);
    for (const auto& op : ds_json["ops"]) {
        if (op["name"] == "mlp_up_proj") dense = op["layers"].get<int>();
        if (op["name"] == "moe_experts") moe = op["layers"].get<int>();
    }
    CHECK(dense == 3);
    CHECK(moe == 58);
}

TEST_CASE("a config.json missing MLA keys exits 2 naming the JSON pointer", "[cli][families][errors]") {
    TempDir dir;
    auto config = llmsim::load_json_file(source_path("tests/data/hf/deepseek-v3.json"));
    config.erase("qk_nope_head_dim");
    const std::string path = dir.write("config.json", config.dump());
    const CommandResult r =
        run_llmsim({"cost", "--model", path, "--hardware", "h200", "--decode-batch", "1", "--context-tokens", "1"});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(path + "#/qk_nope_head_dim") != std::string::npos);

    auto gemma = llmsim::load_json_file(source_path("tests/data/hf/gemma-3-27b-it.json"));
    gemma["text_config"]["num_attention_heads"] = 30;  // not a multiple of 16 KV heads
    const std::string g = dir.write("gemma.json", gemma.dump());
    const CommandResult bad =
        run_llmsim({"cost", "--model", g, "--hardware", "h100", "--decode-batch", "1", "--context-tokens", "1"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find(g + "#/text_config/num_key_value_heads") != std::string::npos);
}
