#include "sim/training/layout_rules.hpp"

#include <string>

#include "common/error.hpp"

namespace llmsim::sim {
namespace {

std::string s(int64_t v) {
    return std::to_string(v);
}

std::optional<LayoutViolation> fail(const char* flag, std::string message) {
    return LayoutViolation{flag, std::move(message)};
}

}  // namespace

std::optional<LayoutViolation> check_training_layout(const models::ModelSpec& model, const TrainingConfig& cfg,
                                                     int32_t gpus, const std::vector<ScheduleInfo>& schedules) {
    const auto& p = cfg.parallel;
    const auto& sh = cfg.shape;
    struct Positive {
        const char* flag;
        int64_t value;
    };
    for (const Positive& v :
         {Positive{"--tp", p.tp}, Positive{"--pp", p.pp}, Positive{"--dp", p.dp}, Positive{"--cp", p.cp},
          Positive{"--ep", p.ep}, Positive{"--vpp", p.vpp}, Positive{"--micro-batch", sh.micro_batch},
          Positive{"--seq-len", sh.seq_len}, Positive{"--global-batch", cfg.global_batch}}) {
        if (v.value < 1) return fail(v.flag, "must be >= 1, got " + s(v.value));
    }
    if (cfg.zero < 0 || cfg.zero > 3) return fail("--zero", "ZeRO stage must be 0, 1, 2 or 3, got " + s(cfg.zero));
    if (p.gpus() != gpus) {
        return fail("--gpus", "layout product tp x pp x dp x cp = " + s(p.tp) + " x " + s(p.pp) + " x " + s(p.dp) +
                                  " x " + s(p.cp) + " = " + s(p.gpus()) + " does not equal --gpus " + s(gpus));
    }
    if (model.num_heads % p.tp != 0) {
        return fail("--tp", "tensor parallel degree " + s(p.tp) + " does not divide the " + s(model.num_heads) +
                                " attention heads of " + model.id);
    }
    if (model.num_kv_heads % p.tp != 0 && p.tp % model.num_kv_heads != 0) {
        return fail("--tp", "tensor parallel degree " + s(p.tp) + " and the " + s(model.num_kv_heads) +
                                " KV heads of " + model.id + " do not divide one another");
    }
    const int64_t stages = static_cast<int64_t>(p.pp) * p.vpp;
    if (stages > model.num_layers) {
        return fail("--pp", "pp x vpp = " + s(p.pp) + " x " + s(p.vpp) + " = " + s(stages) +
                                " pipeline stages exceed the " + s(model.num_layers) + " layers of " + model.id);
    }
    if (model.num_layers % stages != 0 && !cfg.allow_uneven) {
        return fail("--pp", "pp x vpp = " + s(stages) + " does not divide the " + s(model.num_layers) + " layers of " +
                                model.id + " (use --allow-uneven for unequal stages)");
    }
    const int64_t per_step = static_cast<int64_t>(sh.micro_batch) * p.dp;
    if (cfg.global_batch % per_step != 0) {
        return fail("--global-batch", "global batch " + s(cfg.global_batch) +
                                          " is not divisible by micro-batch x dp = " + s(sh.micro_batch) + " x " +
                                          s(p.dp) + " = " + s(per_step));
    }
    if (p.cp > 1) {
        if (sh.attention == models::AttentionImpl::unfused) {
            return fail("--cp",
                        "context parallelism needs --attention flash (got unfused attention with cp " + s(p.cp) + ")");
        }
        if (p.cp_kind == models::CpKind::ring && sh.seq_len % (2 * p.cp) != 0) {
            return fail("--cp", "ring context parallelism splits each sequence into 2 x cp = " + s(2 * p.cp) +
                                    " load-balanced chunks; --seq-len " + s(sh.seq_len) + " is not divisible by it");
        }
        if (p.cp_kind == models::CpKind::ulysses) {
            if (sh.seq_len % p.cp != 0) {
                return fail("--cp", "--seq-len " + s(sh.seq_len) + " is not divisible by cp " + s(p.cp));
            }
            if ((model.num_heads / p.tp) % p.cp != 0) {
                return fail("--cp", "Ulysses needs the " + s(model.num_heads / p.tp) +
                                        " heads per TP rank to be divisible by cp " + s(p.cp));
            }
        }
    }
    if (p.sp() && (sh.seq_len / p.cp) % p.tp != 0) {
        return fail("--seq-len", "sequence parallelism splits the " + s(sh.seq_len / p.cp) +
                                     " tokens per CP rank over tp " + s(p.tp) + ", which does not divide them");
    }
    if (!model.moe.enabled() && p.ep != 1) {
        return fail("--ep",
                    "expert parallelism needs an MoE model; " + model.id + " is dense (got --ep " + s(p.ep) + ")");
    }
    if (model.moe.enabled()) {
        if (model.moe.num_experts % p.ep != 0) {
            return fail("--ep", "expert parallel degree " + s(p.ep) + " does not divide the " +
                                    s(model.moe.num_experts) + " experts of " + model.id);
        }
        if (p.dp % p.ep != 0) {
            return fail("--ep", "expert parallel degree " + s(p.ep) + " must divide the data-parallel degree " +
                                    s(p.dp) + " (experts are split across data-parallel ranks)");
        }
    }
    if (model.position == models::PositionKind::learned && sh.seq_len > model.max_position) {
        return fail("--seq-len", "--seq-len " + s(sh.seq_len) + " exceeds the " + s(model.max_position) +
                                     " learned positions of " + model.id);
    }
    if (sh.capacity_factor <= 0) return fail("--capacity-factor", "must be > 0");
    const int32_t m = cfg.microbatches();
    const ScheduleInfo* schedule = nullptr;
    for (const auto& info : schedules) {
        if (info.name == cfg.schedule) schedule = &info;
    }
    if (schedule == nullptr) return fail("--schedule", "unknown pipeline schedule '" + cfg.schedule + "'");
    if (p.vpp > 1 && !schedule->interleaved) {
        return fail("--vpp", "schedule '" + schedule->name + "' runs one model chunk per rank; --vpp " + s(p.vpp) +
                                 " needs --schedule interleaved");
    }
    if (p.vpp > 1 && p.pp < 2) return fail("--vpp", "interleaving needs --pp >= 2, got --pp " + s(p.pp));
    if (p.vpp > 1 && m % p.pp != 0) {
        return fail("--vpp", "the interleaved schedule needs the micro-batches per pipeline (" + s(m) +
                                 ") to be a multiple of --pp " + s(p.pp) + " (Megatron-LM rule)");
    }
    return std::nullopt;
}

void validate_training_layout(const models::ModelSpec& model, const TrainingConfig& cfg, int32_t gpus,
                              const std::vector<ScheduleInfo>& schedules) {
    if (auto v = check_training_layout(model, cfg, gpus, schedules)) throw UsageError(v->flag, v->message);
}

}  // namespace llmsim::sim
