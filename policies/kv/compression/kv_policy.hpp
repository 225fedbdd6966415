#pragma once
// KV-cache eviction and compression policies by name (--kv-policy NAME[:k=v,...]) and quantized KV formats
// (--kv-dtype int2:group=32,...): one policy per file, one row each in registry.cpp. A policy reduces to
// models::KvRetention (what a request keeps and what attention reads); a format to the bits of one cached element and
// the work of dequantizing it. Quality is not modelled: these change memory, bytes and work only.
#include <cstdint>
#include <optional>
#include <string>

#include "common/registry.hpp"
#include "models/kv_retention.hpp"
#include "models/model_spec.hpp"
#include "models/precision.hpp"

namespace llmsim::policies {

// What a policy may look at when it is built.
struct KvPolicyContext {
    const models::ModelSpec* model = nullptr;
    int64_t max_context_tokens = 0;   // the longest request (max-model-len, or cost's context): budgets must fit it
    double kv_bits_per_element = 16;  // the cache's format, for policies that keep 16-bit side data
};

using KvPolicyFactory = models::KvRetention (*)(const PolicySpec& spec, const KvPolicyContext& ctx,
                                                const std::string& where);
using KvPolicyInfo = PolicyInfo<KvPolicyFactory>;

const Registry<KvPolicyInfo>& kv_policy_registry();

// A parsed --kv-dtype.
struct KvFormat {
    std::string text;             // canonical: "int2:group=32,outliers=0,residual=128", or the plain dtype name
    DType storage = DType::fp16;  // nearest plain dtype (for listings); int2 is stored as int4's neighbour
    double bits_per_element = 16;
    double dequant_ops_per_element = 0;
    int64_t group = 0;  // elements per scale/zero pair (integer formats)
    int64_t residual_tokens = 0;
    double outlier_fraction = 0;
    [[nodiscard]] bool quantized_int() const { return group > 0; }
};

// `head_dim` is the model's; a group must divide it (KIVI groups values along the channels of one token).
KvFormat parse_kv_format(const std::string& text, int64_t head_dim, const std::string& where);

// The KV policy and format of a deployment, and what they do to one token's KV.
struct KvPolicySetup {
    std::string name;  // "streaming:sink=4,window=1020 + int2:group=32,..." or just one part
    KvFormat format;
    models::KvRetention retention;
    bool policy = false;  // --kv-policy was given (not only --kv-dtype)
};

// Builds the policy (optional) over the format, validating the combination (exit-2 errors name the flag and value),
// and applies both to `prec`. `base_kv` is the cache dtype without --kv-dtype (what the dtype or engine implies).
KvPolicySetup make_kv_policy(const std::optional<std::string>& policy_text, const std::string& policy_where,
                             const std::optional<std::string>& format_text, const std::string& format_where,
                             const models::ModelSpec& model, int64_t max_context_tokens, models::Precision& prec);

// A policy that offloads KV to host memory (ShadowKV) needs the device's host link: exit 2 naming `where` without it.
void require_host_link(const KvPolicySetup& setup, double host_link_bytes_per_s, const std::string& device_id,
                       const std::string& where);

// Per-GPU KV bytes of one token at `context_tokens` under the setup, given the dense per-token bytes of the cache's
// format (what memory_footprint reports), and the compression against a dense 16-bit cache.
struct KvPolicyEffect {
    double bytes_per_token_effective = 0;
    double bytes_per_token_fp16 = 0;
    double compression_ratio = 1;
};
KvPolicyEffect kv_policy_effect(const KvPolicySetup& setup, double kv_bytes_per_token_per_gpu, double kv_element_bytes,
                                int64_t context_tokens);

// Shared parameter checks of the policy files.
namespace kv_params {
// A token count >= lo (named in the error).
int64_t tokens(const PolicySpec& spec, const std::string& key, int64_t lo);
// A share in (0, 1].
double share(const PolicySpec& spec, const std::string& key, const std::string& where);
// A budget: (0, 1] is a share of the context, above 1 a whole number of tokens no longer than max_context.
void budget(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where, models::KvRetention& r);
}  // namespace kv_params

models::KvRetention make_streaming(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);
models::KvRetention make_h2o(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);
models::KvRetention make_scissorhands(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);
models::KvRetention make_duo(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);
models::KvRetention make_razor(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);
models::KvRetention make_shadowkv(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);
models::KvRetention make_minicache(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where);

}  // namespace llmsim::policies
