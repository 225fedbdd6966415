// DuoAttention (Xiao et al., "DuoAttention: Efficient Long-Context LLM Inference with Retrieval and Streaming Heads",
// ICLR 2025): a `retrieval_heads` share of the KV heads keeps the full cache; the streaming heads keep `sink`
// attention sinks and a `window` of recent tokens, in prefill and decode alike (defaults: the paper's 64 + 256).
// Under GQA the split is per KV head. The head split is found offline, so nothing is tracked at run time.
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

models::KvRetention make_duo(const PolicySpec& spec, const KvPolicyContext& /*ctx*/, const std::string& where) {
    models::KvRetention r;
    r.active = true;
    r.full_share = kv_params::share(spec, "retrieval_heads", where);
    r.cap_tokens = kv_params::tokens(spec, "sink", 0) + kv_params::tokens(spec, "window", 1);
    r.prefill_limited = true;
    return r;
}

}  // namespace llmsim::policies
