// StreamingLLM (Xiao et al., "Efficient Streaming Language Models with Attention Sinks", ICLR 2024) and LM-Infinite
// (Han et al., NAACL 2024): every head keeps the first `sink` tokens and the last `window` tokens, so a request's KV
// is capped at sink + window tokens and each step (prefill queries included: the Lambda-shaped mask) reads at most
// that many, whatever the context. Nothing is scored, so there is no tracking cost.
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_streaming(const PolicySpec& spec, const KvPolicyContext& /*ctx*/,
                                   const std::string& /*where*/) {
    models::KvRetention r;
    r.active = true;
    r.full_share = 0;
    r.cap_tokens = kv_params::tokens(spec, "sink", 0) + kv_params::tokens(spec, "window", 1);
    r.prefill_limited = true;
    return r;
}

}  // namespace llmsim::policies
