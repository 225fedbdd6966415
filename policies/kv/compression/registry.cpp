// The explicit table of KV-cache policies: add one by adding its file and one row here. Each row's defaults are the
// paper's own settings where it states them.
#include "policies/kv/compression/kv_policy.hpp"

namespace llmsim::policies {

const Registry<KvPolicyInfo>& kv_policy_registry() {
    static const Registry<KvPolicyInfo> registry(
        "KV policy",
        {
            {"streaming",
             "StreamingLLM / LM-Infinite: attention sinks + a recent window; KV per request capped at sink + window",
             make_streaming,
             {{"sink", "4", "first tokens every step keeps"}, {"window", "1020", "recent tokens kept (>= 1)"}},
             {}},
            {"h2o",
             "H2O: heavy hitters + recent tokens under a budget (share of context or tokens), after a dense prefill",
             make_h2o,
             {{"budget", "0.2", "KV kept: a share in (0, 1] of the context, or a token count above 1"}},
             {}},
            {"scissorhands",
             "Scissorhands: pivotal tokens (persistence of importance) under a budget, after a dense prefill",
             make_scissorhands,
             {{"budget", "0.2", "KV kept: a share in (0, 1] of the context, or a token count above 1"}},
             {}},
            {"duo",
             "DuoAttention: retrieval heads keep full KV, streaming heads sink + window (prefill and decode)",
             make_duo,
             {{"retrieval_heads", "0.25", "share of KV heads that keep the full cache, in (0, 1]"},
              {"sink", "64", "attention sinks of a streaming head"},
              {"window", "256", "recent tokens of a streaming head (>= 1)"}},
             {}},
            {"razor",
             "RazorAttention: retrieval heads keep full KV, others sink + window + 1 compensation token after prefill",
             make_razor,
             {{"retrieval_heads", "0.15", "share of KV heads that keep the full cache, in (0, 1]"},
              {"sink", "4", "first tokens a non-retrieval head keeps"},
              {"window", "1024", "recent tokens a non-retrieval head keeps (>= 1)"}},
             {}},
            {"minicache",
             "MiniCache: adjacent layers from `start` on share merged KV (memory only; reads are restored)",
             make_minicache,
             {{"start", "0.5", "first merged layer as a share of the layers"},
              {"retain", "0.05", "share of tokens kept unmerged in both layers"}},
             {}},
            {"shadowkv",
             "ShadowKV: low-rank pre-RoPE keys + landmarks on the GPU, values in host memory; each decode step "
             "rebuilds a sparse budget and fetches its values over the host link",
             make_shadowkv,
             {{"rank", "160", "rank of the key factorisation, in [1, kv_heads x head_dim]"},
              {"budget", "0.0156", "KV selected per step: a share in (0, 1] of the context, or a token count above 1"},
              {"chunk", "8", "tokens per landmark (chunk-mean key)"},
              {"outliers", "0.003", "share of tokens kept in full on the GPU (static outlier chunks), in [0, 1]"},
              {"reuse", "0.6", "share of selected KV still on the GPU from the previous step, in [0, 1)"}},
             {}},
        });
    return registry;
}

KvPolicySetup make_kv_policy(const std::optional<std::string>& policy_text, const std::string& policy_where,
                             const std::optional<std::string>& format_text, const std::string& format_where,
                             const models::ModelSpec& model, int64_t max_context_tokens, models::Precision& prec) {
    KvPolicySetup s;
    if (format_text) {
        s.format = parse_kv_format(*format_text, model.head_dim, format_where);
        prec.kv_cache = s.format.storage;
        prec.kv_bits_per_element = s.format.quantized_int() ? s.format.bits_per_element : 0;
        prec.kv_dequant_ops_per_element = s.format.dequant_ops_per_element;
    } else {
        s.format.text = std::string(dtype_name(prec.kv_cache));
        s.format.storage = prec.kv_cache;
        s.format.bits_per_element = prec.kv_bytes() * 8;
    }
    // The policies drop or merge per-head token KV: latent caches (MLA) and models whose layers already mix local and
    // global attention are not what the papers evaluate.
    const bool retention_model = !model.mla.enabled() && !model.mixes_attention_layers();
    if (policy_text) {
        const auto& reg = kv_policy_registry();
        const PolicySpec spec = reg.parse(*policy_text, policy_where);
        if (!retention_model) {
            throw UsageError(policy_where, "'" + *policy_text + "' is not supported for " + model.id +
                                               " (latent or mixed local/global attention caches)");
        }
        const KvPolicyContext ctx{&model, max_context_tokens, prec.kv_bytes() * 8};
        s.retention = reg.get(spec.name(), policy_where).factory(spec, ctx, policy_where);
        s.policy = true;
        s.name = spec.canonical();
    }
    if (s.format.residual_tokens > 0) {
        if (!retention_model) {
            throw UsageError(format_where, "residual tokens are not supported for " + model.id +
                                               " (latent or mixed local/global attention caches)");
        }
        s.retention.active = true;
        s.retention.residual_tokens = s.format.residual_tokens;
        s.retention.residual_extra = 16.0 / s.format.bits_per_element - 1.0;
    }
    if (format_text) s.name += (s.name.empty() ? "" : " + ") + s.format.text;
    return s;
}

void require_host_link(const KvPolicySetup& setup, double host_link_bytes_per_s, const std::string& device_id,
                       const std::string& where) {
    if (setup.retention.rebuild_rank > 0 && !(host_link_bytes_per_s > 0)) {
        throw UsageError(where, "'" + setup.name + "' fetches KV from host memory, but device " + device_id +
                                    " states no host link bandwidth");
    }
}

KvPolicyEffect kv_policy_effect(const KvPolicySetup& setup, double kv_bytes_per_token_per_gpu, double kv_element_bytes,
                                int64_t context_tokens) {
    LLMSIM_ASSERT(context_tokens > 0 && kv_element_bytes > 0, "KV policy effect needs a context and an element size");
    KvPolicyEffect e;
    const auto n = static_cast<double>(context_tokens);
    e.bytes_per_token_effective =
        kv_bytes_per_token_per_gpu * static_cast<double>(setup.retention.stored_tokens(context_tokens)) / n;
    e.bytes_per_token_fp16 = kv_bytes_per_token_per_gpu / kv_element_bytes * 2.0;
    e.compression_ratio = e.bytes_per_token_fp16 / e.bytes_per_token_effective;
    return e;
}

}  // namespace llmsim::policies
