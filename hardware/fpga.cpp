#include "hardware/fpga.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"

namespace llmsim::hardware {

double FpgaSpec::sparsity_speedup() const {
    if (sparsity_n <= 0 || sparsity_m <= 0) return 1.0;
    return static_cast<double>(sparsity_m) / sparsity_n * sparse_efficiency;
}

double FpgaSpec::gemm_bytes_factor() const {
    const double bits = weight_bits > 0 ? weight_bits / (8.0 * dtype_bytes(matrix_dtype)) : 1.0;
    return bits / sparsity_speedup();
}

FpgaSpec fpga_from_json(const Json& j, const std::string& where) {
    JsonObjectReader r(j, where);
    FpgaSpec f;
    f.matrix_dtype = parse_dtype(r.get_string("matrix_dtype"), r.where("matrix_dtype"));
    const int64_t dsps = r.get_int("dsp_count");
    if (dsps < 1 || dsps > 1'000'000) throw InputError(r.where("dsp_count"), "expected 1..1000000 DSP slices");
    f.dsp_count = static_cast<int32_t>(dsps);
    const double mhz = r.get_number("clock_mhz");
    if (!(mhz > 1) || mhz > 5000) throw InputError(r.where("clock_mhz"), "expected a clock in (1, 5000] MHz");
    f.clock_hz = mhz * 1e6;
    if (const Json* s = r.find("sparsity")) {
        const std::string w = r.where("sparsity");
        if (!s->is_string()) throw InputError(w, "expected \"N:M\" (e.g. \"2:4\")");
        const std::string text = s->get<std::string>();
        const auto colon = text.find(':');
        int n = 0, m = 0;
        try {
            if (colon == std::string::npos) throw std::invalid_argument("no colon");
            n = std::stoi(text.substr(0, colon));
            m = std::stoi(text.substr(colon + 1));
        } catch (const std::exception&) {
            throw InputError(w, "expected \"N:M\" (e.g. \"2:4\"), got '" + text + "'");
        }
        if (n < 1 || m < n || m > 64) throw InputError(w, "expected 1 <= N <= M <= 64, got '" + text + "'");
        f.sparsity_n = n;
        f.sparsity_m = m;
    }
    f.sparse_efficiency = r.opt_number("sparse_efficiency").value_or(1.0);
    if (!(f.sparse_efficiency > 0) || f.sparse_efficiency > 1) {
        throw InputError(r.where("sparse_efficiency"), "expected a fraction in (0, 1]");
    }
    f.weight_bits = r.opt_number("weight_bits").value_or(0.0);
    if (!(f.weight_bits >= 0) || f.weight_bits > 32) throw InputError(r.where("weight_bits"), "expected 0..32 bits");
    if (auto b = r.opt_string("on_chip_memory")) f.on_chip_bytes = units::parse_bytes(*b, r.where("on_chip_memory"));
    f.length_adaptive = r.opt_bool("length_adaptive").value_or(true);
    f.source = r.get_string("source");
    r.finish();
    return f;
}

OrderedJson fpga_to_json(const FpgaSpec& f) {
    OrderedJson j;
    j["matrix_dtype"] = std::string(dtype_name(f.matrix_dtype));
    j["dsp_count"] = f.dsp_count;
    j["clock_mhz"] = f.clock_hz / 1e6;
    if (f.sparsity_m > 0) j["sparsity"] = std::to_string(f.sparsity_n) + ":" + std::to_string(f.sparsity_m);
    j["sparse_efficiency"] = f.sparse_efficiency;
    j["weight_bits"] = f.weight_bits;
    j["on_chip_memory"] = format_double(f.on_chip_bytes / 1e6, 6) + "MB";
    j["length_adaptive"] = f.length_adaptive;
    j["source"] = f.source;
    return j;
}

int64_t fpga_compiled_tokens(const FpgaSpec& f, int64_t tokens) {
    if (f.length_adaptive || tokens <= 1) return tokens;
    int64_t p = 1;
    while (p < tokens) p *= 2;
    return p;
}

}  // namespace llmsim::hardware
