#include "sim/serving/spec_decode.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "sim/engine/sim_time.hpp"

namespace llmsim::sim {

SpecDecoder::SpecDecoder(const SpecDecodeConfig& config, std::shared_ptr<Drafter> drafter, int32_t replica)
    : config_(config),
      drafter_(std::move(drafter)),
      rng_(RngStreams(config.seed).stream("spec-decode/replica-" + std::to_string(replica))) {
    LLMSIM_ASSERT(config_.gamma >= 1 && config_.alpha >= 0 && config_.alpha <= 1, "bad speculative config");
    LLMSIM_ASSERT(config_.tree.empty() || static_cast<int32_t>(config_.tree.size()) == config_.gamma,
                  "tree depth differs from gamma");
    LLMSIM_ASSERT(drafter_ != nullptr, "speculation without a drafter");
}

int32_t SpecDecoder::depth_for(int64_t running) const {
    if (config_.max_batch > 0 && running > config_.max_batch) return 0;
    int32_t depth = config_.gamma;
    for (const auto& [above, g] : config_.batch_gamma) {
        if (running > above) depth = std::min(config_.gamma, g);
    }
    if (config_.adaptive && adapted_depth_ > 0) depth = std::min(depth, adapted_depth_);
    return depth;
}

int32_t SpecDecoder::decode_tokens(int64_t running) {
    step_depth_ = depth_for(running);
    return step_depth_ == 0 ? 1 : static_cast<int32_t>(1 + tree_tokens(config_.tree, step_depth_));
}

double SpecDecoder::alpha_of(RequestState& r) const {
    if (r.spec_alpha >= 0) return r.spec_alpha;
    double mean = config_.alpha;
    if (config_.alpha_to >= 0) {
        mean = config_.ramp_requests > 0
                   ? ramped_alpha(config_.alpha, config_.alpha_to, r.id, static_cast<double>(config_.ramp_requests))
                   : ramped_alpha(config_.alpha, config_.alpha_to, static_cast<double>(r.arrival_ns) * 1e-9,
                                  config_.ramp_s);
    }
    double a = mean;
    const double var = config_.alpha_spread * config_.alpha_spread;
    if (var > 0 && mean > 0 && mean < 1 && var < mean * (1 - mean)) {
        // Beta with the request's mean and the configured standard deviation, from a stream keyed by the request
        // alone, so a request's rate does not depend on which replica serves it or when.
        Rng rng(config_.seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(r.id) + 1)));
        const double k = mean * (1 - mean) / var - 1;
        const double x = rng.gamma(mean * k, 1.0);
        const double y = rng.gamma((1 - mean) * k, 1.0);
        a = x / (x + y);
    }
    r.spec_alpha = static_cast<float>(a);
    return r.spec_alpha;
}

void SpecDecoder::on_batch(Batch& batch) {
    if (batch.decode_tokens() == 1) return;
    LLMSIM_ASSERT(step_depth_ > 0 && batch.decode_tokens() == 1 + tree_tokens(config_.tree, step_depth_),
                  "verify tokens differ from the step's depth");
    const std::span<const int32_t> tree =
        config_.tree.empty() ? std::span<const int32_t>{}
                             : std::span<const int32_t>(config_.tree).first(static_cast<size_t>(step_depth_));
    const int32_t drafts = batch.decode_tokens() - 1;
    models::BatchShape drafting;
    models::BatchShape full;  // adaptive drafters weigh the target's view too
    double alpha_sum = 0;
    const int64_t limit = drafter_->context_tokens_max;
    const auto& entries = batch.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
        const BatchEntry& e = entries[i];
        if (!e.verify()) continue;
        RequestState& r = *e.request;
        const int64_t kv = r.kv_tokens();
        drafting.add_decode(limit > 0 ? std::min(kv, limit) : kv);
        if (config_.adaptive) full.add_decode(kv);
        const double alpha = alpha_of(r);
        alpha_sum += alpha;
        const int32_t accepted = draw_accepted(rng_, {alpha, config_.decay, tree, step_depth_});
        const int32_t emitted = std::min(accepted + 1, r.output_tokens - r.generated);
        batch.set_sampled(i, emitted);
        r.spec_accepted += emitted - 1;
        stats_.verifies += 1;
        stats_.proposed_tokens += drafts;
        stats_.accepted_tokens += accepted;
        stats_.emitted_tokens += emitted;
        stats_.depth_sum += step_depth_;
    }
    if (drafting.decode_seqs == 0) return;
    const double draft =
        tree.empty() ? drafter_->draft_ns(drafting, step_depth_) : drafter_->tree_draft_ns(drafting, tree);
    const int64_t ns = seconds_to_ns(draft * 1e-9);
    stats_.draft_ns += static_cast<double>(ns);
    batch.set_draft_ns(ns, config_.overlap);
    if (config_.adaptive) {
        const double mean_alpha = alpha_sum / static_cast<double>(drafting.decode_seqs);
        adapted_depth_ = std::clamp(drafter_->adapt_gamma(full, drafting, config_.gamma, mean_alpha, config_.decay), 1,
                                    config_.gamma);
    }
}

}  // namespace llmsim::sim
