// The real CPU transformer: KV-cached decoding and chunked prefill reproduce a single full prefill, batching does
// not change any sequence's result, and unsupported architectures are refused with a usage error.
#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "common/error.hpp"
#include "models/presets.hpp"
#include "tools/bench/transformer/tiny_llama.hpp"

namespace {

using llmsim::bench::SeqStep;
using llmsim::bench::TinyLlama;

llmsim::models::ModelSpec small_spec() {
    llmsim::models::ModelSpec s = llmsim::models::resolve_model("llama-tiny-15m");
    s.num_layers = 2;
    s.vocab_size = 500;
    s.num_kv_heads = 3;  // grouped-query attention (6 query heads)
    return s;
}

std::vector<float> logits_after(TinyLlama& model, const std::vector<int32_t>& tokens,
                                const std::vector<int32_t>& chunks) {
    auto cache = model.new_cache(static_cast<int64_t>(tokens.size()));
    std::vector<int32_t> sampled;
    int64_t done = 0;
    for (int32_t c : chunks) {
        SeqStep st{tokens.data() + done, c, done, cache.get(), true, done + c == static_cast<int64_t>(tokens.size())};
        model.forward(std::span<const SeqStep>(&st, 1), sampled);
        done += c;
    }
    const auto l = model.last_logits();
    return {l.begin(), l.end()};
}

}  // namespace

TEST_CASE("calibration: Chunked prefill and cached decode reproduce a full prefill", "[calibration][bench]") {
    llmsim::bench::CpuKernels k(2);
    TinyLlama model(small_spec(), k, 7, "--model");
    std::vector<int32_t> tokens(12);
    std::iota(tokens.begin(), tokens.end(), 40);
    const auto full = logits_after(model, tokens, {12});
    const auto chunked = logits_after(model, tokens, {5, 4, 3});
    REQUIRE(full.size() == 500);
    for (size_t i = 0; i < full.size(); ++i)
        REQUIRE(chunked[i] == Approx(full[i]).margin(1e-3));

    // Prefill 11 tokens, then one decode step (prefill = false) with the 12th.
    auto cache = model.new_cache(12);
    std::vector<int32_t> sampled;
    SeqStep pre{tokens.data(), 11, 0, cache.get(), true, true};
    model.forward(std::span<const SeqStep>(&pre, 1), sampled);
    SeqStep dec{tokens.data() + 11, 1, 11, cache.get(), false, true};
    model.forward(std::span<const SeqStep>(&dec, 1), sampled);
    REQUIRE(sampled.size() == 2);
    const auto l = model.last_logits();
    for (size_t i = 0; i < full.size(); ++i)
        REQUIRE(l[i] == Approx(full[i]).margin(1e-3));
    REQUIRE(model.op_times().ns[static_cast<size_t>(llmsim::bench::RealOp::attn_decode)] > 0);
}

TEST_CASE("calibration: Batching sequences together does not change their results", "[calibration][bench]") {
    llmsim::bench::CpuKernels k(2);
    TinyLlama model(small_spec(), k, 3, "--model");
    std::vector<int32_t> a = {1, 2, 3, 4, 5, 6};
    std::vector<int32_t> b = {9, 8, 7};
    const auto la = logits_after(model, a, {6});
    const auto lb = logits_after(model, b, {3});
    auto ca = model.new_cache(6);
    auto cb = model.new_cache(3);
    std::vector<SeqStep> steps = {{a.data(), 6, 0, ca.get(), true, true}, {b.data(), 3, 0, cb.get(), true, true}};
    std::vector<int32_t> sampled;
    model.forward(steps, sampled);
    REQUIRE(sampled.size() == 2);
    const auto l = model.last_logits();
    for (size_t i = 0; i < 500; ++i) {
        REQUIRE(l[i] == Approx(la[i]).margin(1e-3));
        REQUIRE(l[500 + i] == Approx(lb[i]).margin(1e-3));
    }
}

TEST_CASE("calibration: The real transformer refuses architectures it does not implement", "[calibration][bench]") {
    auto spec = llmsim::models::resolve_model("opt-13b");
    REQUIRE_THROWS_AS(TinyLlama::check_supported(spec, "--model"), llmsim::UsageError);
    REQUIRE_NOTHROW(TinyLlama::check_supported(llmsim::models::resolve_model("llama-tiny-110m"), "--model"));
    REQUIRE(TinyLlama::weight_bytes(llmsim::models::resolve_model("llama-tiny-15m")) > 4 * 15e6);
}
