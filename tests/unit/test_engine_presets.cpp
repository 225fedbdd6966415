// Engine presets (policies/engine/): every shipped file parses with unique ids and aliases, the device-dependent
// limits follow vLLM's get_batch_defaults, and the JSON writer round-trips through the parser.
#include <catch2/catch.hpp>
#include <set>

#include "common/error.hpp"
#include "hardware/catalogue.hpp"
#include "policies/engine/engine_preset.hpp"
#include "policies/scheduler/scheduler_registry.hpp"

using namespace llmsim;
using namespace llmsim::policies;

TEST_CASE("every shipped engine preset parses, names its source and has unique ids and aliases", "[engine]") {
    const auto& presets = engine_presets();
    std::set<std::string> ids;
    for (const auto& e : presets)
        ids.insert(e.id);
    CHECK(ids == std::set<std::string>{"lmdeploy", "sglang", "trtllm", "vllm", "vllm-v0"});
    std::set<std::string> names;
    for (const auto& e : presets) {
        INFO(e.id);
        CHECK(e.path == "policies/engine/presets/" + e.id + ".json");
        CHECK_FALSE(e.source.empty());
        CHECK_FALSE(e.host.source.empty());
        CHECK_FALSE(e.limits.empty());
        CHECK(e.limits.back().min_device_memory_gib == 0);
        CHECK(e.limits.back().unless_device.empty());
        CHECK(scheduler_registry().find(e.scheduler) != nullptr);
        CHECK(names.insert(e.id).second);
        for (const auto& a : e.aliases) {
            INFO(a);
            CHECK(names.insert(a).second);
        }
        // Every id and alias resolves to its preset.
        CHECK(resolve_engine(e.id, "--engine").id == e.id);
        for (const auto& a : e.aliases)
            CHECK(resolve_engine(a, "--engine").id == e.id);
    }
    CHECK(resolve_engine("vllm-v1", "--engine").id == "vllm");
    CHECK(resolve_engine("tensorrt-llm", "--engine").id == "trtllm");
}

TEST_CASE("engine limits follow the device: vLLM's 8192/1024 on 80 GB-class GPUs except A100", "[engine]") {
    const EnginePreset vllm = resolve_engine("vllm", "t");
    auto limits = [&](const char* device) {
        const auto dev = hardware::resolve_device(device);
        return vllm.limits_for(dev.id, dev.memory_bytes);
    };
    for (const char* big : {"h100", "h200", "b200"}) {
        INFO(big);
        CHECK(limits(big).max_num_batched_tokens == 8192);
        CHECK(limits(big).max_num_seqs == 1024);
        CHECK(limits(big).token_budget() == 8192);
    }
    for (const char* small : {"a100-sxm-80gb", "a100-sxm-40gb", "l4", "a40"}) {
        INFO(small);
        CHECK(limits(small).max_num_batched_tokens == 2048);
        CHECK(limits(small).max_num_seqs == 256);
    }
    // vllm-v0: one unconditional row whose chunking budget differs from its batched-token cap.
    const EnginePreset v0 = resolve_engine("vllm-v0", "t");
    const auto& row = v0.limits_for("h100-sxm", 80.0 * (1 << 30));
    CHECK(row.max_num_batched_tokens == 8192);
    CHECK(row.token_budget() == 512);
}

TEST_CASE("engine_preset_to_json round-trips through parse_engine_preset", "[engine]") {
    for (const auto& e : engine_presets()) {
        INFO(e.id);
        const OrderedJson j = engine_preset_to_json(e);
        const EnginePreset back = parse_engine_preset(Json::parse(j.dump()), "roundtrip.json");
        CHECK(engine_preset_to_json(back).dump() == j.dump());
        CHECK(back.id == e.id);
        CHECK(back.aliases == e.aliases);
        CHECK(back.scheduler == e.scheduler);
        REQUIRE(back.limits.size() == e.limits.size());
        for (size_t i = 0; i < e.limits.size(); ++i) {
            CHECK(back.limits[i].min_device_memory_gib == e.limits[i].min_device_memory_gib);
            CHECK(back.limits[i].unless_device == e.limits[i].unless_device);
            CHECK(back.limits[i].max_num_seqs == e.limits[i].max_num_seqs);
            CHECK(back.limits[i].max_num_batched_tokens == e.limits[i].max_num_batched_tokens);
            CHECK(back.limits[i].chunk_size == e.limits[i].chunk_size);
        }
        CHECK(back.block_size == e.block_size);
        CHECK(back.prefix_caching == e.prefix_caching);
        CHECK(back.gpu_memory_utilization == e.gpu_memory_utilization);
        CHECK(back.kv_dtype == e.kv_dtype);
        CHECK(back.host.per_iteration_ns == Approx(e.host.per_iteration_ns));
        CHECK(back.host.per_seq_ns == Approx(e.host.per_seq_ns));
        CHECK(back.host.per_token_ns == Approx(e.host.per_token_ns));
        CHECK(back.host.multi_gpu_iteration_ns == Approx(e.host.multi_gpu_iteration_ns));
        CHECK(back.host.multi_gpu_per_seq_ns == Approx(e.host.multi_gpu_per_seq_ns));
        CHECK(back.host.overlapped == e.host.overlapped);
        CHECK(back.host.source == e.host.source);
        CHECK(back.front_end.ingress_ns == Approx(e.front_end.ingress_ns));
        CHECK(back.front_end.ingress_per_prompt_token_ns == Approx(e.front_end.ingress_per_prompt_token_ns));
        CHECK(back.front_end.egress_ns == Approx(e.front_end.egress_ns));
        CHECK(back.kernels.graph_max_tokens == e.kernels.graph_max_tokens);
        CHECK(back.kernels.memory_efficiency_ceiling == e.kernels.memory_efficiency_ceiling);
        CHECK(back.kernels.gqa_packed_decode == e.kernels.gqa_packed_decode);
        CHECK(back.kernels.all_reduce == e.kernels.all_reduce);
    }
}

TEST_CASE("engine presets: what each engine brings", "[engine]") {
    const EnginePreset vllm = resolve_engine("vllm", "t");
    CHECK(vllm.host.overlapped);
    CHECK(vllm.prefix_caching);
    CHECK(vllm.kernels.graph_max_tokens == 512);
    CHECK(vllm.kernels.all_reduce == sim::AllReduceImpl::custom);
    const EnginePreset v0 = resolve_engine("vllm-v0", "t");
    CHECK_FALSE(v0.host.overlapped);
    CHECK_FALSE(v0.prefix_caching);
    CHECK(v0.front_end.is_zero());
    CHECK(v0.kernels.graph_max_tokens == 0);
    CHECK(v0.kernels.memory_efficiency_ceiling == 0);
    CHECK_FALSE(v0.kernels.gqa_packed_decode);
    CHECK(v0.kernels.all_reduce == sim::AllReduceImpl::nccl);
    // vllm-v0's host loop is the --framework-overhead vllm-v0 preset.
    const auto fo = sim::parse_framework_overhead("vllm-v0", "t");
    CHECK(v0.host.per_iteration_ns == fo.per_iteration_ns);
    CHECK(v0.host.per_seq_ns == fo.per_seq_ns);
    CHECK(v0.host.multi_gpu_iteration_ns == fo.multi_gpu_iteration_ns);
    CHECK(v0.host.multi_gpu_per_seq_ns == fo.multi_gpu_per_seq_ns);
    CHECK(resolve_engine("trtllm", "t").kv_dtype == KvDtypeRule::fp8_with_fp8_weights);
}

TEST_CASE("unknown engine names suggest the nearest and list the valid ones", "[engine]") {
    CHECK_THROWS_AS(resolve_engine("vlm", "--engine"), UsageError);
    CHECK_THROWS_WITH(resolve_engine("vlm", "--engine"), Catch::StartsWith("--engine") &&
                                                             Catch::Contains("did you mean 'vllm'") &&
                                                             Catch::Contains("trtllm"));
    CHECK_THROWS_WITH(resolve_engine("no/such/engine.json", "--engine"),
                      Catch::Contains("no/such/engine.json") && Catch::Contains("does not exist"));
}
