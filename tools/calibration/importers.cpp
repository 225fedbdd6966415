#include "tools/calibration/importers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "common/units.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "tools/calibration/op_measurement.hpp"

namespace llmsim::tools {
namespace {

using hardware::Measurement;

// Vidur op column -> llmsim op name.
struct VidurOp {
    const char* vidur;
    const char* ours;
};
constexpr VidurOp kVidurOps[] = {
    {"emb", "embedding"},
    {"input_layernorm", "input_norm"},
    {"attn_pre_proj", "qkv_proj"},
    {"attn_rope", "rope"},
    {"attn_post_proj", "o_proj"},
    {"post_attention_layernorm", "post_attn_norm"},
    {"mlp_up_proj", "mlp_up_proj"},
    {"mlp_act", "mlp_act"},
    {"mlp_down_proj", "mlp_down_proj"},
    {"add", "residual_add"},
};

Measurement from_op(const models::Op& op, const std::string& device, double time_ms, const std::string& tag) {
    Measurement m = launch_measurement(op, tag);
    m.device = device;
    m.backend = "vidur-import";
    m.tokens = op.m;
    m.time_ns_median = time_ms * 1e6;
    m.time_ns_min = m.time_ns_median;
    return m;
}

}  // namespace

std::vector<Measurement> import_vidur_mlp(const std::string& path, const std::string& device, const std::string& tag) {
    CsvReader csv(path);
    const size_t c_heads = csv.require_column("n_head");
    const size_t c_kv = csv.require_column("n_kv_head");
    const size_t c_embd = csv.require_column("n_embd");
    const size_t c_inter = csv.require_column("n_expanded_embd");
    const size_t c_vocab = csv.require_column("vocab_size");
    const size_t c_gated = csv.require_column("use_gated_mlp");
    const size_t c_tokens = csv.require_column("num_tokens");
    const size_t c_tp = csv.require_column("num_tensor_parallel_workers");
    std::vector<std::pair<const VidurOp*, size_t>> columns;
    for (const auto& op : kVidurOps) {
        const auto c = csv.column(std::string("time_stats.") + op.vidur + ".median");
        if (c) columns.emplace_back(&op, *c);
    }
    if (columns.empty()) throw InputError(path + ":1", "no 'time_stats.<op>.median' columns (not a vidur mlp.csv?)");
    std::vector<Measurement> out;
    while (csv.next()) {
        models::ModelSpec spec;
        spec.id = tag;
        spec.family = "llama";
        spec.num_layers = 1;
        spec.hidden_size = csv.get_nonneg_int(c_embd);
        spec.num_heads = static_cast<int32_t>(csv.get_nonneg_int(c_heads));
        spec.num_kv_heads = static_cast<int32_t>(csv.get_nonneg_int(c_kv));
        spec.head_dim = spec.num_heads > 0 ? static_cast<int32_t>(spec.hidden_size / spec.num_heads) : 0;
        spec.intermediate_size = csv.get_nonneg_int(c_inter);
        spec.vocab_size = csv.get_nonneg_int(c_vocab);
        const std::string gated = to_lower(csv.field(c_gated));
        spec.mlp = gated == "true" || gated == "1" ? models::MlpKind::gated : models::MlpKind::plain;
        spec.validate(csv.where());
        const int64_t tokens = csv.get_nonneg_int(c_tokens);
        models::InferenceParallel par;
        par.tp = static_cast<int32_t>(csv.get_nonneg_int(c_tp));
        if (tokens <= 0 || par.tp <= 0) throw InputError(csv.where(), "num_tokens and tensor parallel must be > 0");
        const models::ShardShape shard = models::shard_model(spec, par);
        models::BatchShape batch;
        batch.add_prefill_chunk(0, tokens, false);
        const auto ops = models::build_forward_ops(spec, shard, par, models::Precision::from_dtype(DType::fp16), batch);
        for (const auto& [vop, col] : columns) {
            const auto it = std::find_if(ops.begin(), ops.end(),
                                         [&ours = vop->ours](const models::Op& o) { return o.name == ours; });
            if (it == ops.end()) continue;
            const double ms = csv.get_positive_double(col);
            // Per launch: Vidur times one residual add, our op counts the layer's two.
            out.push_back(from_op(*it, device, ms, tag));
        }
    }
    return out;
}

std::vector<Measurement> import_vidur_network(const std::string& path, const std::string& device) {
    CsvReader csv(path);
    const size_t c_size = csv.require_column("size");
    const size_t c_workers = csv.require_column("num_workers");
    const size_t c_dpn = csv.require_column("devices_per_node");
    const size_t c_collective = csv.require_column("collective");
    std::optional<size_t> c_time;
    for (const char* name :
         {"time_stats.all_reduce.median", "time_stats.send_recv.median", "time_stats.all_gather.median"}) {
        if (auto c = csv.column(name)) c_time = c;
    }
    if (!c_time) throw InputError(path + ":1", "no 'time_stats.<collective>.median' column");
    std::vector<Measurement> out;
    while (csv.next()) {
        Measurement m;
        m.device = device;
        m.backend = "vidur-import";
        m.op_class = OpClass::collective;
        m.op_name = std::string(csv.field(c_collective));
        m.dtype = DType::fp16;
        m.bytes = csv.get_positive_double(c_size);
        m.group_size = static_cast<int32_t>(csv.get_nonneg_int(c_workers));
        m.gpus_per_node = static_cast<int32_t>(csv.get_nonneg_int(c_dpn));
        m.time_ns_median = csv.get_positive_double(*c_time) * 1e6;
        m.time_ns_min = m.time_ns_median;
        m.tag = std::filesystem::path(path).parent_path().filename().string();
        if (m.group_size < 2) throw InputError(csv.where("num_workers"), "expected >= 2 workers");
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<Measurement> import_attention_samples(const std::string& path, const std::string& device,
                                                  const std::string& model_id) {
    const models::ModelSpec spec = models::resolve_model(model_id);
    const models::InferenceParallel par;
    const models::ShardShape shard = models::shard_model(spec, par);
    const auto prec = models::Precision::from_dtype(DType::fp16);
    CsvReader csv(path);
    const size_t c_phase = csv.require_column("phase");
    const size_t c_batch = csv.require_column("batch_size");
    const size_t c_chunk = csv.require_column("prefill_chunk_size");
    const size_t c_kv = csv.require_column("kv_cache_size");
    const size_t c_time = csv.require_column("attn_time_ms_median");
    std::vector<Measurement> out;
    while (csv.next()) {
        const std::string phase(csv.field(c_phase));
        const int64_t batch = csv.get_nonneg_int(c_batch);
        const int64_t chunk = csv.get_nonneg_int(c_chunk);
        const int64_t kv = csv.get_nonneg_int(c_kv);
        models::BatchShape shape;
        const char* op_name = nullptr;
        if (phase == "decode") {
            if (batch <= 0) throw InputError(csv.where("batch_size"), "decode rows need batch_size > 0");
            for (int64_t i = 0; i < batch; ++i)
                shape.add_decode(kv);
            op_name = "attn_decode";
        } else if (phase == "prefill") {
            if (chunk <= 0) throw InputError(csv.where("prefill_chunk_size"), "prefill rows need a chunk > 0");
            for (int64_t i = 0; i < std::max<int64_t>(1, batch); ++i)
                shape.add_prefill_chunk(kv, chunk, false);
            op_name = "attn_prefill";
        } else {
            throw InputError(csv.where("phase"), "bad phase '" + phase + "' (expected prefill or decode)");
        }
        const auto ops = models::build_forward_ops(spec, shard, par, prec, shape);
        const auto it = std::find_if(ops.begin(), ops.end(), [&](const models::Op& o) { return o.name == op_name; });
        LLMSIM_ASSERT(it != ops.end(), "attention op missing");
        Measurement m = from_op(*it, device, csv.get_positive_double(c_time), model_id);
        m.backend = "attention-samples";
        m.batch = batch;
        m.tokens = phase == "decode" ? batch : chunk;
        m.context = kv;
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<Measurement> import_achievable_fractions(const std::string& path, const std::string& device) {
    CsvReader csv(path);
    const size_t c_gpu = csv.require_column("gpu");
    const size_t c_test = csv.require_column("test");
    const size_t c_size = csv.require_column("size");
    const size_t c_value = csv.require_column("value");
    const size_t c_unit = csv.require_column("unit");
    std::vector<Measurement> out;
    while (csv.next()) {
        if (csv.field(c_gpu) != device) continue;
        const std::string test(csv.field(c_test));
        const std::string unit(csv.field(c_unit));
        const double value = csv.get_positive_double(c_value);
        Measurement m;
        m.device = device;
        m.backend = "published";
        m.tag = "achievable-fractions";
        if (starts_with(test, "cublaslt_gemm_")) {
            // cublaslt_gemm_<dtype>_mnk: square GEMMs, TFLOP/s.
            const std::string dtype_text = test.substr(14, test.find("_mnk") - 14);
            const double n = csv.get_positive_double(c_size);
            m.op_class = OpClass::gemm;
            m.op_name = "gemm";
            m.dtype = parse_dtype(dtype_text, csv.where("test"));
            m.m = m.n = m.k = static_cast<int64_t>(n);
            m.flops = 2 * n * n * n;
            m.bytes = 3 * n * n * dtype_bytes(m.dtype);
            m.time_ns_median = m.flops / (value * 1e12) * 1e9;
        } else if (test == "hbm_triad") {
            // STREAM triad a = b + s*c over large arrays: 3 streams; the size is not published, take 1 GiB each.
            m.op_class = OpClass::elementwise;
            m.op_name = "triad";
            m.dtype = DType::fp32;
            m.bytes = 3.0 * 1073741824.0;
            m.flops = 2.0 * 1073741824.0 / 4;
            m.time_ns_median = m.bytes / (value * 1e12) * 1e9;
        } else if (starts_with(test, "flash_attention2_fwd_")) {
            // flash_attention2_fwd_b<B>_s<S>_hd<D>: the FlashAttention-2 benchmark with model dim 2048, not causal.
            int64_t b = 0;
            int64_t s = 0;
            int64_t d = 0;
            if (std::sscanf(test.c_str(), "flash_attention2_fwd_b%ld_s%ld_hd%ld", &b, &s, &d) != 3) {
                throw InputError(csv.where("test"), "cannot read batch/sequence/head dim from '" + test + "'");
            }
            const double heads = 2048.0 / static_cast<double>(d);
            m.op_class = OpClass::attn_prefill;
            m.op_name = "attn_prefill";
            m.dtype = DType::fp16;
            m.batch = b;
            m.tokens = s;
            m.flops = 4.0 * b * static_cast<double>(s) * s * heads * d;
            m.bytes = 4.0 * b * s * heads * d * 2;
            m.rows = static_cast<double>(b) * s * heads;
            m.time_ns_median = m.flops / (value * 1e12) * 1e9;
        } else if (test == "nccl_allreduce_busbw_8gpu") {
            const double bytes = units::parse_bytes(csv.field(c_size), csv.where("size"));
            m.op_class = OpClass::collective;
            m.op_name = "all_reduce";
            m.dtype = DType::fp16;
            m.group_size = 8;
            m.gpus_per_node = 8;
            m.bytes = bytes;
            m.time_ns_median = 2.0 * 7 / 8 * bytes / (value * 1e9) * 1e9;
        } else {
            continue;  // host<->device copies: not used by the cost model yet
        }
        m.time_ns_min = m.time_ns_median;
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<Measurement> import_vidur_dir(const std::string& dir, const std::string& vidur_device,
                                          const std::string& network_node) {
    namespace fs = std::filesystem;
    std::vector<Measurement> out;
    const fs::path compute = fs::path(dir) / "compute" / vidur_device;
    if (!fs::is_directory(compute)) throw InputError(compute.string(), "no such directory (expected vidur profiles)");
    std::vector<fs::path> models;
    for (const auto& e : fs::directory_iterator(compute)) {
        if (fs::exists(e.path() / "mlp.csv")) models.push_back(e.path());
    }
    std::sort(models.begin(), models.end());
    for (const auto& m : models) {
        auto rows = import_vidur_mlp((m / "mlp.csv").string(), vidur_device, m.filename().string());
        out.insert(out.end(), rows.begin(), rows.end());
    }
    if (!network_node.empty()) {
        const fs::path net = fs::path(dir) / "network" / network_node;
        for (const char* f : {"all_reduce.csv", "send_recv.csv"}) {
            if (fs::exists(net / f)) {
                auto rows = import_vidur_network((net / f).string(), vidur_device);
                out.insert(out.end(), rows.begin(), rows.end());
            }
        }
    }
    return out;
}

}  // namespace llmsim::tools
