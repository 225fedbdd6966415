#include "tools/reproduce/registry.hpp"

#include <set>

#include "common/error.hpp"
#include "tools/reproduce/scenarios/scenario_list.hpp"

namespace llmsim::tools::reproduce {
namespace {

std::vector<Scenario> build() {
    std::vector<Scenario> all = {
        sarathi_serve_mistral_7b_scenario(),
        sarathi_serve_falcon_180b_scenario(),
        sarathi_llama_13b_decode_scenario(),
        sarathi_llama_13b_e2e_scenario(),
        online_speculative_decoding_scenario(),
        pearl_scenario(),
        big_little_decoder_scenario(),
        triforce_scenario(),
        rapid_long_context_sd_scenario(),
        kivi_scenario(),
        minicache_scenario(),
        lm_infinite_scenario(),
        kvquant_scenario(),
        scissorhands_scenario(),
        duoattention_scenario(),
        razorattention_scenario(),
        distserve_scenario(),
        splitwise_scenario(),
        flightllm_scenario(),
        mllm_npu_scenario(),
        megascale_scenario(),
        zero_scenario(),
        llm_in_a_flash_scenario(),
        llm_in_a_flash_gpu_scenario(),
    };
    std::set<std::string> names;
    for (const auto& s : all) {
        LLMSIM_ASSERT(!s.name.empty() && names.insert(s.name).second, "duplicate or empty scenario name: " + s.name);
        LLMSIM_ASSERT(s.run != nullptr, "scenario without a run: " + s.name);
    }
    return all;
}

}  // namespace

const std::vector<Scenario>& scenarios() {
    static const std::vector<Scenario> all = build();
    return all;
}

const Scenario* find_scenario(const std::string& name) {
    for (const auto& s : scenarios()) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

}  // namespace llmsim::tools::reproduce
