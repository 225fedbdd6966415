// --kv-dtype: plain formats (fp32, fp16, bf16, fp8) and integer formats with per-group metadata.
//
// Integer formats (KIVI: Liu et al., "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache", ICML 2024):
// keys are grouped per channel, values per token, `group` elements sharing one fp16 scale and one fp16 zero point, so
// an element costs bits + 32 / group bits. `residual` recent tokens stay 16-bit (KIVI's full-precision window).
// KVQuant (Hooper et al., "KVQuant: Towards 10 Million Context Length LLM Inference with KV Cache Quantization",
// NeurIPS 2024) keeps an `outliers` share of elements dense-and-sparse: each outlier adds an fp16 value and a 32-bit
// position to the dense payload. FP8 is E4M3 with one per-tensor scale, which folds into the softmax and output
// scales, so it costs 8 bits and no per-element work (Hopper converts E4M3 pairs in one instruction).
//
// Dequantization cost (integer formats): 2 operations per element read, fused into attention as the KIVI and KVQuant
// CUDA kernels do: unpacking with lop3/prmt bit tricks (about one instruction per element) and the scale-and-zero FMA
// issued on half2 pairs (about one per element), plus 2 per outlier for the sparse add. They are priced at the
// attention kernel's calibrated compute rate, which already reflects decode attention's non-tensor-core work.
#include "common/strings.hpp"
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {
namespace {

constexpr double kDequantOpsPerElement = 2;
constexpr double kOutlierOps = 2;
constexpr double kScaleZeroBits = 32;     // one fp16 scale + one fp16 zero point per group
constexpr double kOutlierBits = 16 + 32;  // fp16 value + 32-bit position

const std::vector<ParamInfo>& int_params() {
    static const std::vector<ParamInfo> p = {
        {"group", "32", "elements sharing one fp16 scale and zero point (KIVI's default; must divide head_dim)"},
        {"residual", "0", "recent tokens kept 16-bit (KIVI's full-precision window; KIVI uses 128)"},
        {"outliers", "0", "share of elements kept as fp16 sparse outliers (KVQuant's dense-and-sparse; e.g. 0.01)"},
    };
    return p;
}

}  // namespace

KvFormat parse_kv_format(const std::string& text, int64_t head_dim, const std::string& where) {
    const std::string name = detail::spec_name(text);
    int bits = 0;
    if (name == "int8") bits = 8;
    if (name == "int4") bits = 4;
    if (name == "int2") bits = 2;
    KvFormat f;
    if (bits == 0) {
        const auto d = dtype_from_name(name);
        if (!d || !(*d == DType::fp32 || *d == DType::fp16 || *d == DType::bf16 || *d == DType::fp8)) {
            throw UsageError(where,
                             "unknown KV dtype '" + name + "' (expected fp32, fp16, bf16, fp8, int8, int4 or int2)");
        }
        (void)detail::parse_policy_spec(text, where, name, {});  // parameters are for integer formats only
        f.text = name;
        f.storage = *d;
        f.bits_per_element = dtype_bytes(*d) * 8;
        return f;
    }
    const PolicySpec spec = detail::parse_policy_spec(text, where, name, int_params());
    f.text = spec.canonical();
    f.storage = bits == 8 ? DType::int8 : DType::int4;
    f.group = spec.integer("group", 1, 1 << 20);
    if (head_dim % f.group != 0) {
        throw UsageError(where, name + ": bad group '" + spec.text("group") + "' (must divide the model's head_dim " +
                                    std::to_string(head_dim) + ")");
    }
    f.residual_tokens = spec.integer("residual", 0, int64_t{1} << 30);
    f.outlier_fraction = spec.number("outliers", 0, 0.5);
    f.bits_per_element = bits + kScaleZeroBits / static_cast<double>(f.group) + f.outlier_fraction * kOutlierBits;
    f.dequant_ops_per_element = (kDequantOpsPerElement + f.outlier_fraction * kOutlierOps);
    return f;
}

}  // namespace llmsim::policies
