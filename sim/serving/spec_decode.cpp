#include "sim/serving/spec_decode.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.hpp"
#include "sim/engine/sim_time.hpp"

namespace llmsim::sim {

int32_t draw_accepted(Rng& rng, double alpha, int32_t gamma) {
    int32_t accepted = 0;
    while (accepted < gamma && rng.uniform01() < alpha)
        ++accepted;
    return accepted;
}

double expected_tokens_per_step(double alpha, int32_t gamma) {
    if (alpha >= 1) return gamma + 1.0;
    return (1 - std::pow(alpha, gamma + 1)) / (1 - alpha);
}

SpecDecoder::SpecDecoder(const SpecDecodeConfig& config, std::shared_ptr<Drafter> drafter, int32_t replica)
    : config_(config),
      drafter_(std::move(drafter)),
      rng_(RngStreams(config.seed).stream("spec-decode/replica-" + std::to_string(replica))) {
    LLMSIM_ASSERT(config_.gamma >= 1 && config_.alpha >= 0 && config_.alpha <= 1, "bad speculative config");
    LLMSIM_ASSERT(drafter_ != nullptr, "speculation without a drafter");
}

double SpecDecoder::alpha_of(RequestState& r) const {
    if (r.spec_alpha >= 0) return r.spec_alpha;
    double a = config_.alpha;
    const double var = config_.alpha_spread * config_.alpha_spread;
    if (var > 0) {
        // Beta with the configured mean and standard deviation, from a stream keyed by the request alone, so a
        // request's rate does not depend on which replica serves it or when.
        Rng rng(config_.seed ^ (0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(r.id) + 1)));
        const double k = config_.alpha * (1 - config_.alpha) / var - 1;
        const double x = rng.gamma(config_.alpha * k, 1.0);
        const double y = rng.gamma((1 - config_.alpha) * k, 1.0);
        a = x / (x + y);
    }
    r.spec_alpha = static_cast<float>(a);
    return r.spec_alpha;
}

void SpecDecoder::on_batch(Batch& batch) {
    if (batch.decode_tokens() == 1) return;
    models::BatchShape drafting;
    const auto& entries = batch.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
        const BatchEntry& e = entries[i];
        if (!e.verify()) continue;
        RequestState& r = *e.request;
        drafting.add_decode(r.kv_tokens());
        const int32_t accepted = draw_accepted(rng_, alpha_of(r), config_.gamma);
        const int32_t emitted = std::min(accepted + 1, r.output_tokens - r.generated);
        batch.set_sampled(i, emitted);
        r.spec_accepted += emitted - 1;
        stats_.verifies += 1;
        stats_.proposed_tokens += config_.gamma;
        stats_.accepted_tokens += accepted;
        stats_.emitted_tokens += emitted;
    }
    if (drafting.decode_seqs == 0) return;
    const int64_t ns = seconds_to_ns(drafter_->draft_ns(drafting, config_.gamma) * 1e-9);
    stats_.draft_ns += static_cast<double>(ns);
    batch.set_draft_ns(ns);
}

}  // namespace llmsim::sim
