#include "tools/reproduce/training_runs.hpp"

#include "common/error.hpp"
#include "tools/commands/json_api.hpp"

namespace llmsim::tools::reproduce {

OrderedJson train(const Json& settings, const std::string& label) {
    try {
        return train_json(settings, "reproduce " + label + "#");
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::internal) throw;
        throw InternalError("reproduce " + label,
                            std::string("the scenario gave settings llmsim train rejects: ") + e.what());
    }
}

OrderedJson train_figures(const OrderedJson& r) {
    OrderedJson f;
    for (const char* key : {"step_time_s", "mfu", "hfu", "model_tflops_per_gpu", "hardware_tflops_per_gpu",
                            "bubble_fraction", "time_breakdown_s", "memory_gib_per_gpu", "fits"}) {
        f[key] = r.at(key);
    }
    return f;
}

}  // namespace llmsim::tools::reproduce
