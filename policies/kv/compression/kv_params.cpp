// Parameter checks every KV policy shares, so their errors read alike.
#include <cmath>

#include "common/strings.hpp"
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies::kv_params {

int64_t tokens(const PolicySpec& spec, const std::string& key, int64_t lo) {
    return spec.integer(key, lo, int64_t{1} << 40);
}

double share(const PolicySpec& spec, const std::string& key, const std::string& where) {
    const std::string& t = spec.text(key);
    const auto v = parse_double(t);
    if (!v || !(*v > 0 && *v <= 1)) {
        throw UsageError(where, spec.name() + ": bad " + key + " '" + t + "' (expected a share in (0, 1])");
    }
    return *v;
}

void budget(const PolicySpec& spec, const KvPolicyContext& ctx, const std::string& where, models::KvRetention& r) {
    const std::string& t = spec.text("budget");
    const auto v = parse_double(t);
    if (!v || !(*v > 0)) {
        throw UsageError(where, spec.name() + ": bad budget '" + t +
                                    "' (expected a share of the context in (0, 1] or a token count above 1)");
    }
    if (*v <= 1) {
        r.keep_fraction = *v;
        return;
    }
    if (*v != std::floor(*v) || *v > static_cast<double>(ctx.max_context_tokens)) {
        throw UsageError(where, spec.name() + ": bad budget '" + t + "' (a token budget must be a whole number <= " +
                                    std::to_string(ctx.max_context_tokens) + ", the context length)");
    }
    r.cap_tokens = static_cast<int64_t>(*v);
}

}  // namespace llmsim::policies::kv_params
