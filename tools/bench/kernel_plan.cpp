#include "tools/bench/kernel_plan.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "models/batch_shape.hpp"
#include "models/layer_ops.hpp"
#include "models/parallel.hpp"
#include "models/precision.hpp"
#include "tools/calibration/op_measurement.hpp"

namespace llmsim::bench {
namespace {

using hardware::Measurement;

std::vector<models::Op> ops_for(const models::ModelSpec& spec, DType dtype, const models::BatchShape& batch) {
    const models::InferenceParallel par;
    return models::build_forward_ops(spec, models::shard_model(spec, par), par, models::Precision::from_dtype(dtype),
                                     batch);
}

void add_op_cases(std::vector<KernelCase>& out, const models::ModelSpec& spec, int32_t family, DType dtype,
                  const models::BatchShape& batch, const std::vector<std::string_view>& names, int64_t new_tokens,
                  int64_t seqs, int64_t context) {
    for (const auto& op : ops_for(spec, dtype, batch)) {
        if (std::find(names.begin(), names.end(), op.name) == names.end()) continue;
        KernelCase c;
        c.kind = CaseKind::model_op;
        c.family = family;
        c.row = tools::launch_measurement(op, spec.id);
        c.row.tokens = new_tokens;
        c.row.batch = seqs;
        c.row.context = context;
        c.new_tokens = new_tokens;
        c.seqs = seqs;
        c.context = context;
        out.push_back(std::move(c));
    }
}

const std::vector<std::string_view> kTokenOps = {"embedding",     "input_norm",     "qkv_proj",    "rope",
                                                 "o_proj",        "post_attn_norm", "mlp_up_proj", "mlp_act",
                                                 "mlp_down_proj", "residual_add"};
const std::vector<std::string_view> kGemmOps = {"qkv_proj", "o_proj", "mlp_up_proj", "mlp_down_proj"};

// Per-token ops over a sweep of tokens per pass, the sampled-rows ops (final norm, LM head) over sequence counts.
void add_token_sweeps(std::vector<KernelCase>& out, const models::ModelSpec& spec, int32_t family, DType dtype,
                      const std::vector<int64_t>& tokens, const std::vector<int64_t>& sampled,
                      const std::vector<std::string_view>& names, const std::vector<std::string_view>& head_names) {
    for (int64_t t : tokens) {
        models::BatchShape b;
        b.add_prefill_chunk(0, t, false);
        add_op_cases(out, spec, family, dtype, b, names, t, 1, 0);
    }
    for (int64_t s : head_names.empty() ? std::vector<int64_t>{} : sampled) {
        models::BatchShape b;
        b.add_prefill_chunk(0, s, false);
        b.logits_seqs = static_cast<int32_t>(s);
        add_op_cases(out, spec, family, dtype, b, head_names, s, s, 0);
    }
}

void add_decode_grid(std::vector<KernelCase>& out, const models::ModelSpec& spec, int32_t family, DType dtype,
                     const std::vector<int64_t>& batches, const std::vector<int64_t>& contexts) {
    for (int64_t ctx : contexts) {
        if (ctx + 1 > spec.max_position) continue;
        for (int64_t b : batches) {
            models::BatchShape shape;
            for (int64_t i = 0; i < b; ++i)
                shape.add_decode(ctx);
            add_op_cases(out, spec, family, dtype, shape, {"attn_decode"}, 1, b, ctx);
        }
    }
}

void add_prefill_grid(std::vector<KernelCase>& out, const models::ModelSpec& spec, int32_t family, DType dtype,
                      const std::vector<int64_t>& batches, const std::vector<int64_t>& chunks,
                      const std::vector<int64_t>& contexts, int64_t max_tokens) {
    for (int64_t ctx : contexts) {
        for (int64_t t : chunks) {
            if (ctx + t > spec.max_position) continue;
            for (int64_t b : batches) {
                if (b * t > max_tokens) continue;
                models::BatchShape shape;
                for (int64_t i = 0; i < b; ++i)
                    shape.add_prefill_chunk(ctx, t, false);
                add_op_cases(out, spec, family, dtype, shape, {"attn_prefill"}, t, b, ctx);
            }
        }
    }
}

KernelCase square_gemm(int64_t n, DType dtype) {
    KernelCase c;
    c.kind = CaseKind::square_gemm;
    c.row.op_class = OpClass::gemm;
    c.row.op_name = "gemm";
    c.row.dtype = dtype;
    c.row.m = c.row.n = c.row.k = n;
    const auto nd = static_cast<double>(n);
    c.row.flops = 2 * nd * nd * nd;
    c.row.bytes = 3 * nd * nd * dtype_bytes(dtype);
    c.row.tag = "square";
    return c;
}

KernelCase stream(CaseKind kind, int64_t elements) {
    KernelCase c;
    c.kind = kind;
    c.elements = elements;
    c.row.op_class = OpClass::elementwise;
    c.row.dtype = DType::fp32;
    const auto n = static_cast<double>(elements);
    if (kind == CaseKind::stream_copy) {
        c.row.op_name = "copy";
        c.row.bytes = 2 * n * 4;
    } else {
        c.row.op_name = "triad";
        c.row.bytes = 3 * n * 4;
        c.row.flops = 2 * n;
    }
    c.row.tokens = elements;
    c.row.tag = "stream";
    return c;
}

KernelCase transfer(CaseKind kind, double bytes, const char* name) {
    KernelCase c;
    c.kind = kind;
    c.row.op_class = OpClass::elementwise;
    c.row.op_name = name;
    c.row.dtype = DType::fp16;
    // A device-to-device copy reads and writes device memory; host copies move `bytes` over the host link.
    c.row.bytes = kind == CaseKind::memcpy_d2d ? 2 * bytes : bytes;
    c.row.tokens = static_cast<int64_t>(bytes);
    c.row.tag = "memcpy";
    return c;
}

std::vector<int64_t> powers_of_two(int64_t lo, int64_t hi, int64_t step_factor) {
    std::vector<int64_t> v;
    for (int64_t x = lo; x <= hi; x *= step_factor)
        v.push_back(x);
    return v;
}

}  // namespace

std::vector<int64_t> planned_token_counts(bool quick) {
    if (quick) return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
    return {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024};
}

std::vector<KernelCase> plan_cpu_kernels(const PlanOptions& o) {
    LLMSIM_ASSERT(!o.gemm_dtypes.empty(), "kernel plan without a dtype");
    std::vector<KernelCase> out;
    const std::vector<int64_t> tokens = planned_token_counts(o.quick);
    const std::vector<int64_t> sampled = o.quick ? std::vector<int64_t>{1, 2, 3, 4, 6, 8, 12, 16, 24, 32}
                                                 : std::vector<int64_t>{1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};
    for (size_t f = 0; f < o.families.size(); ++f) {
        const auto& spec = o.families[f];
        const auto fi = static_cast<int32_t>(f);
        add_token_sweeps(out, spec, fi, DType::fp32, tokens, sampled, kTokenOps, {"final_norm", "lm_head"});
        if (o.quick) {
            add_decode_grid(out, spec, fi, DType::fp32, {1, 4, 8, 16, 32}, {32, 128, 512});
            add_prefill_grid(out, spec, fi, DType::fp32, {1, 4}, {16, 64, 128, 256, 512}, {0, 128}, 1024);
        } else {
            add_decode_grid(out, spec, fi, DType::fp32, {1, 2, 4, 8, 16, 32, 64}, {16, 64, 128, 256, 512, 1023});
            add_prefill_grid(out, spec, fi, DType::fp32, {1, 2, 4, 8}, {8, 16, 32, 64, 128, 256, 512, 1024},
                             {0, 64, 256, 512}, 2048);
        }
        for (size_t d = 1; d < o.gemm_dtypes.size(); ++d) {
            const std::vector<int64_t> low =
                o.quick ? std::vector<int64_t>{64, 256} : std::vector<int64_t>{16, 64, 128, 256, 512};
            add_token_sweeps(out, spec, fi, o.gemm_dtypes[d], low, {}, kGemmOps, {});
        }
    }
    if (o.square_gemms) {
        for (int64_t n : o.quick ? std::vector<int64_t>{128, 256, 512} : powers_of_two(64, 2048, 2)) {
            out.push_back(square_gemm(n, DType::fp32));
        }
    }
    if (o.streaming) {
        // Sizes from L1 to well past the last-level cache.
        const auto sizes = o.quick ? powers_of_two(1 << 12, 1 << 26, 4) : powers_of_two(1 << 10, 1 << 26, 2);
        for (int64_t n : sizes)
            out.push_back(stream(CaseKind::stream_copy, n));
        for (int64_t n : sizes)
            out.push_back(stream(CaseKind::stream_triad, n));
    }
    return out;
}

std::vector<KernelCase> plan_cuda_kernels(const PlanOptions& o, int32_t all_reduce_gpus) {
    LLMSIM_ASSERT(!o.gemm_dtypes.empty(), "kernel plan without a dtype");
    std::vector<KernelCase> out;
    const DType dtype = o.gemm_dtypes.front();
    const std::vector<int64_t> tokens = o.quick ? std::vector<int64_t>{1, 8, 64, 512, 2048} : powers_of_two(1, 8192, 2);
    const std::vector<int64_t> sampled = o.quick ? std::vector<int64_t>{1, 16, 128} : powers_of_two(1, 256, 2);
    for (size_t f = 0; f < o.families.size(); ++f) {
        const auto& spec = o.families[f];
        const auto fi = static_cast<int32_t>(f);
        add_token_sweeps(out, spec, fi, dtype, tokens, sampled, kGemmOps, {"lm_head"});
        const std::vector<int64_t> batches = o.quick ? std::vector<int64_t>{1, 16, 64} : powers_of_two(1, 256, 2);
        const std::vector<int64_t> contexts =
            o.quick ? std::vector<int64_t>{128, 1024} : std::vector<int64_t>{64, 256, 1024, 2048, 4095};
        add_decode_grid(out, spec, fi, dtype, batches, contexts);
    }
    if (o.square_gemms) {
        for (DType t : o.gemm_dtypes) {
            for (int64_t n : o.quick ? std::vector<int64_t>{1024, 4096} : powers_of_two(256, 16384, 2)) {
                out.push_back(square_gemm(n, t));
            }
        }
    }
    const auto sizes = o.quick ? powers_of_two(1 << 12, 1 << 28, 16) : powers_of_two(1 << 10, 1 << 30, 4);
    for (int64_t b : sizes) {
        out.push_back(transfer(CaseKind::memcpy_h2d, static_cast<double>(b), "memcpy_h2d"));
        out.push_back(transfer(CaseKind::memcpy_d2h, static_cast<double>(b), "memcpy_d2h"));
        out.push_back(transfer(CaseKind::memcpy_d2d, static_cast<double>(b), "copy"));
    }
    if (all_reduce_gpus >= 2) {
        for (int64_t b : o.quick ? powers_of_two(1 << 12, 1 << 28, 16) : powers_of_two(1 << 10, 1 << 30, 4)) {
            KernelCase c;
            c.kind = CaseKind::all_reduce;
            c.row.op_class = OpClass::collective;
            c.row.op_name = "all_reduce";
            c.row.dtype = DType::fp16;
            c.row.bytes = static_cast<double>(b);
            c.row.group_size = all_reduce_gpus;
            c.row.gpus_per_node = all_reduce_gpus;
            c.row.tag = "nccl";
            out.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace llmsim::bench
