// RazorAttention (Tang et al., "RazorAttention: Efficient KV Cache Compression Through Retrieval Heads", ICLR 2025):
// retrieval heads (echo and induction heads, a `retrieval_heads` share) keep the full cache; the other heads drop
// remote tokens after prefill, keeping `sink` + `window` recent tokens and one compensation token that summarises
// what was dropped. Prefill stays dense (compression happens once the prompt is cached, FlashAttention-compatible).
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_razor(const PolicySpec& spec, const KvPolicyContext& /*ctx*/, const std::string& where) {
    models::KvRetention r;
    r.active = true;
    r.full_share = kv_params::share(spec, "retrieval_heads", where);
    constexpr int64_t kCompensationTokens = 1;
    r.cap_tokens = kv_params::tokens(spec, "sink", 0) + kv_params::tokens(spec, "window", 1) + kCompensationTokens;
    return r;
}

}  // namespace llmsim::policies
