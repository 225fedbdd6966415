#include "tools/reproduce/scenarios/spec_decode_runs.hpp"

namespace llmsim::tools::reproduce {

Json batch1_settings(const std::string& model, const std::string& hardware, int32_t tp, int64_t prompt, int64_t output,
                     const std::string& spec, int32_t requests) {
    Json s = {{"model", model},
              {"hardware", hardware},
              {"tp", tp},
              {"num-requests", requests},
              {"qps", "inf"},
              {"max-batch", 1},
              {"lengths", "fixed:" + std::to_string(prompt) + ":" + std::to_string(output)},
              {"seed", 1}};
    if (!spec.empty()) s["spec-decode"] = spec;
    return s;
}

double batch1_tpot_ms(const Json& settings, const std::string& label, Reproduction& out) {
    const OrderedJson summary = simulate(settings, label);
    OrderedJson figures;
    figures["tpot_ms_mean"] = summary["tpot_ms"]["mean"];
    if (summary.contains("spec_decode")) {
        figures["tokens_per_step"] = summary["spec_decode"]["tokens_per_step"];
        figures["draft_time_share"] = summary["spec_decode"]["draft_time_share"];
    }
    out.runs.push_back(run_entry(label, settings, figures));
    return summary["tpot_ms"]["mean"].get<double>();
}

}  // namespace llmsim::tools::reproduce
