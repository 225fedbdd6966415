#include "hardware/npu.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "hardware/power_model.hpp"

namespace llmsim::hardware {

NpuSpec npu_from_json(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    NpuSpec n;
    n.matrix_dtype = parse_dtype(r.get_string("matrix_dtype"), r.where("matrix_dtype"));
    const int64_t chunk = r.get_int("prefill_chunk_tokens");
    if (chunk < 0 || chunk > 1'000'000) {
        throw InputError(r.where("prefill_chunk_tokens"), "expected 0 (dynamic shapes) or a chunk of 1..1000000 tokens");
    }
    n.prefill_chunk_tokens = static_cast<int32_t>(chunk);
    n.outlier_fraction = r.opt_number("outlier_fraction").value_or(0.0);
    if (!(n.outlier_fraction >= 0) || n.outlier_fraction > 1) {
        throw InputError(r.where("outlier_fraction"), "expected a fraction in [0, 1]");
    }
    if (auto f = r.opt_string("outlier_peak")) {
        n.outlier_flops_per_s = units::parse_flops_per_s(*f, r.where("outlier_peak"));
    }
    if (n.outlier_fraction > 0 && !(n.outlier_flops_per_s > 0)) {
        throw InputError(r.where("outlier_peak"), "an outlier_fraction > 0 needs the CPU's float peak (e.g. \"0.3TFLOPS\")");
    }
    n.shared_memory = r.opt_bool("shared_memory").value_or(false);
    if (auto w = r.opt_string("outlier_power")) {
        n.outlier_watts = units::parse_watts(*w, r.where("outlier_power"));
        if (!(n.outlier_fraction > 0)) {
            throw InputError(r.where("outlier_power"),
                             "given without an outlier_fraction > 0 (no outlier work draws it)");
        }
        check_device_watts(n.outlier_watts, r.where("outlier_power"));
    }
    n.source = r.get_string("source");
    r.finish();
    return n;
}

OrderedJson npu_to_json(const NpuSpec& n) {
    OrderedJson j;
    j["matrix_dtype"] = std::string(dtype_name(n.matrix_dtype));
    j["prefill_chunk_tokens"] = n.prefill_chunk_tokens;
    j["outlier_fraction"] = n.outlier_fraction;
    if (n.outlier_flops_per_s > 0) j["outlier_peak"] = format_double(n.outlier_flops_per_s / 1e12, 6) + "TFLOPS";
    j["shared_memory"] = n.shared_memory;
    if (n.outlier_watts > 0) j["outlier_power"] = format_double(n.outlier_watts, 6) + "W";
    j["source"] = n.source;
    return j;
}

int64_t npu_prefill_passes(const NpuSpec& n, int64_t tokens) {
    if (n.prefill_chunk_tokens <= 0 || tokens <= 0) return 1;
    return (tokens + n.prefill_chunk_tokens - 1) / n.prefill_chunk_tokens;
}

}  // namespace llmsim::hardware
