#include "sim/training/training_report.hpp"

#include <fmt/format.h>

#include "common/strings.hpp"

namespace llmsim::sim {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

double round_to(double v, int digits) {
    return std::stod(format_double(v, digits));
}

OrderedJson layout_json(const TrainingResult& r) {
    const auto& c = r.config;
    const auto& p = c.parallel;
    OrderedJson j;
    j["tp"] = p.tp;
    j["pp"] = p.pp;
    j["dp"] = p.dp;
    j["cp"] = p.cp;
    j["ep"] = p.ep;
    j["vpp"] = p.vpp;
    j["zero"] = c.zero;
    j["micro_batch"] = c.shape.micro_batch;
    j["global_batch"] = c.global_batch;
    j["microbatches_per_pipeline"] = r.microbatches;
    j["seq_len"] = c.shape.seq_len;
    j["recompute"] = std::string(models::recompute_name(c.recompute));
    j["dtype"] = std::string(dtype_name(c.dtype));
    j["schedule"] = c.schedule;
    j["sequence_parallel"] = p.sp();
    j["cp_kind"] = std::string(models::cp_kind_name(p.cp_kind));
    j["attention"] = std::string(models::attention_impl_name(c.shape.attention));
    j["dropout"] = c.shape.dropout;
    j["grad_dtype"] = std::string(dtype_name(c.shape.grad_dtype));
    j["overlap"] = overlap_to_string(c.overlap);
    j["collective_algo"] = std::string(hardware::collective_algo_name(c.collective_algo));
    return j;
}

}  // namespace

OrderedJson training_result_json(const TrainingResult& r, const TrainingSimulator& sim) {
    OrderedJson j;
    j["model"] = sim.model().id;
    j["hardware"] = sim.device().id;
    j["gpus"] = r.gpus;
    j["layout"] = layout_json(r);
    j["step_time_s"] = round_to(r.step_time_s, 6);
    j["tokens_per_s"] = round_to(r.tokens_per_s, 6);
    j["tokens_per_s_per_gpu"] = round_to(r.tokens_per_s_per_gpu, 6);
    j["model_tflops_per_gpu"] = round_to(r.model_tflops_per_gpu, 5);
    j["hardware_tflops_per_gpu"] = round_to(r.hardware_tflops_per_gpu, 5);
    j["peak_tflops_per_gpu"] = round_to(r.peak_tflops_per_gpu, 5);
    j["mfu"] = round_to(r.mfu, 4);
    j["hfu"] = round_to(r.hfu, 4);
    j["bubble_fraction"] = round_to(r.bubble_fraction, 4);
    j["memory_gib_per_gpu"] = round_to(r.memory.total_bytes() / kGiB, 5);
    const auto& m = r.memory;
    j["memory_breakdown_gib"] = {
        {"weights", round_to(m.weights_bytes / kGiB, 5)},     {"gradients", round_to(m.gradients_bytes / kGiB, 5)},
        {"optimizer", round_to(m.optimizer_bytes / kGiB, 5)}, {"activations", round_to(m.activations_bytes / kGiB, 5)},
        {"temporary", round_to(m.temporary_bytes / kGiB, 5)}, {"reserved", round_to(m.reserved_bytes / kGiB, 5)}};
    j["memory_rank"] = m.rank;
    j["in_flight_microbatches"] = m.in_flight;
    j["memory_capacity_gib"] = round_to(r.memory_capacity_bytes / kGiB, 5);
    j["fits"] = r.fits;
    const auto& t = r.time;
    j["time_breakdown_s"] = {{"compute", round_to(t.compute_s, 6)}, {"tp_comm", round_to(t.tp_comm_s, 6)},
                             {"pp_comm", round_to(t.pp_comm_s, 6)}, {"dp_comm", round_to(t.dp_comm_s, 6)},
                             {"cp_comm", round_to(t.cp_comm_s, 6)}, {"ep_comm", round_to(t.ep_comm_s, 6)},
                             {"bubble", round_to(t.bubble_s, 6)},   {"optimizer", round_to(t.optimizer_s, 6)}};
    j["flops_per_step"] = {{"model", r.model_flops_per_step}, {"hardware", r.hardware_flops_per_step}};
    j["params"] = r.params_total;
    const auto& topo = sim.topology();
    j["topology"] = {{"nodes", topo.nodes()},
                     {"gpus_per_node", topo.spec().gpus_per_node},
                     {"nvlink_gb_per_s", round_to(topo.spec().nvlink_bytes_per_s / 1e9, 5)},
                     {"nics_per_node", topo.spec().nics_per_node},
                     {"nic_gbit_per_s", round_to(topo.spec().nic_bytes_per_s * 8 / 1e9, 5)},
                     {"rail_optimized", topo.spec().rail_optimized},
                     {"oversubscription", topo.spec().oversubscription}};
    j["pipeline"] = {{"method", r.from_dag ? "dag" : "closed-form"},
                     {"events", r.dag_events},
                     {"critical_rank", r.critical_rank},
                     {"p2p_ms", round_to(r.stage_p2p_ms, 5)}};
    j["notes"] = r.notes;
    return j;
}

std::string training_result_table(const TrainingResult& r, const TrainingSimulator& sim) {
    const auto& c = r.config;
    const auto& p = c.parallel;
    const auto& t = r.time;
    const auto& m = r.memory;
    std::string s;
    s += fmt::format("model             {} ({:.1f}B params) on {} x {} ({} nodes)\n", sim.model().id,
                     r.params_total / 1e9, r.gpus, sim.device().id, sim.topology().nodes());
    s += fmt::format(
        "layout            tp {} pp {} dp {} cp {} ep {} vpp {} | zero {} | micro-batch {} x {} "
        "micro-batches | seq {} | recompute {} | {} | {}\n",
        p.tp, p.pp, p.dp, p.cp, p.ep, p.vpp, c.zero, c.shape.micro_batch, r.microbatches, c.shape.seq_len,
        models::recompute_name(c.recompute), dtype_name(c.dtype), c.schedule);
    s += fmt::format("step time         {:.4f} s\n", r.step_time_s);
    s += fmt::format("throughput        {:.0f} tokens/s ({:.1f} tokens/s per GPU)\n", r.tokens_per_s,
                     r.tokens_per_s_per_gpu);
    s += fmt::format("model TFLOP/s     {:.1f} per GPU (MFU {:.1f}%)\n", r.model_tflops_per_gpu, 100 * r.mfu);
    s += fmt::format("hardware TFLOP/s  {:.1f} per GPU (HFU {:.1f}%, peak {:.0f})\n", r.hardware_tflops_per_gpu,
                     100 * r.hfu, r.peak_tflops_per_gpu);
    s += fmt::format("pipeline bubble   {:.1f}% ({})\n", 100 * r.bubble_fraction,
                     r.from_dag ? "simulated DAG" : "closed form");
    s += fmt::format("memory per GPU    {:.2f} GiB of {:.1f} GiB: {}\n", m.total_bytes() / kGiB,
                     r.memory_capacity_bytes / kGiB, r.fits ? "fits" : "DOES NOT FIT");
    s += fmt::format(
        "  weights {:.2f}  gradients {:.2f}  optimizer {:.2f}  activations {:.2f}  temporary {:.2f}  "
        "reserved {:.2f} GiB (rank {}, {} micro-batch chunks in flight)\n",
        m.weights_bytes / kGiB, m.gradients_bytes / kGiB, m.optimizer_bytes / kGiB, m.activations_bytes / kGiB,
        m.temporary_bytes / kGiB, m.reserved_bytes / kGiB, m.rank, m.in_flight);
    const double step = r.step_time_s > 0 ? r.step_time_s : 1;
    auto row = [&](const char* name, double v) {
        s += fmt::format("  {:<12} {:>10.4f} s  {:>5.1f}%\n", name, v, 100 * v / step);
    };
    s += "time breakdown (critical rank " + std::to_string(r.critical_rank) + ")\n";
    row("compute", t.compute_s);
    row("tp comm", t.tp_comm_s);
    row("pp comm", t.pp_comm_s);
    row("dp comm", t.dp_comm_s);
    row("cp comm", t.cp_comm_s);
    row("ep comm", t.ep_comm_s);
    row("bubble", t.bubble_s);
    row("optimizer", t.optimizer_s);
    for (const auto& n : r.notes)
        s += "note: " + n + "\n";
    return s;
}

std::string training_csv_header() {
    return "tp,pp,dp,cp,ep,vpp,zero,micro_batch,recompute,schedule,fits,memory_gib_per_gpu,step_time_s,"
           "tokens_per_s,tokens_per_s_per_gpu,model_tflops_per_gpu,hardware_tflops_per_gpu,mfu,bubble_fraction,"
           "method\n";
}

std::string training_csv_row(const TrainingResult& r) {
    const auto& c = r.config;
    const auto& p = c.parallel;
    return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", p.tp, p.pp, p.dp, p.cp, p.ep,
                       p.vpp, c.zero, c.shape.micro_batch, models::recompute_name(c.recompute), c.schedule,
                       r.fits ? "true" : "false", format_double(r.memory.total_bytes() / kGiB, 5),
                       format_double(r.step_time_s, 6), format_double(r.tokens_per_s, 6),
                       format_double(r.tokens_per_s_per_gpu, 6), format_double(r.model_tflops_per_gpu, 5),
                       format_double(r.hardware_tflops_per_gpu, 5), format_double(r.mfu, 4),
                       format_double(r.bubble_fraction, 4), r.from_dag ? "dag" : "closed-form");
}

std::string training_search_table(const std::vector<const TrainingResult*>& rows) {
    std::string s = fmt::format(
        "{:>4} {:>3} {:>3} {:>4} {:>3} {:>3} {:>3} {:>4} {:>4} {:>9} {:>10} {:>11} {:>7} {:>6} "
        "{:>7} {:>8}\n",
        "rank", "tp", "pp", "dp", "cp", "ep", "vpp", "zero", "mbs", "recompute", "step_s", "tok/s/gpu", "MFU%",
        "bubble", "mem_GiB", "method");
    int i = 1;
    for (const auto* r : rows) {
        const auto& c = r->config;
        const auto& p = c.parallel;
        s += fmt::format(
            "{:>4} {:>3} {:>3} {:>4} {:>3} {:>3} {:>3} {:>4} {:>4} {:>9} {:>10.4f} {:>11.1f} {:>7.1f} "
            "{:>5.1f}% {:>7.1f} {:>8}\n",
            i++, p.tp, p.pp, p.dp, p.cp, p.ep, p.vpp, c.zero, c.shape.micro_batch, models::recompute_name(c.recompute),
            r->step_time_s, r->tokens_per_s_per_gpu, 100 * r->mfu, 100 * r->bubble_fraction,
            r->memory.total_bytes() / kGiB, r->from_dag ? "dag" : "closed");
    }
    return s;
}

OrderedJson training_ops_json(const std::vector<OpTime>& forward, const std::vector<OpTime>& backward) {
    auto list = [](const std::vector<OpTime>& ops) {
        OrderedJson a = OrderedJson::array();
        for (const auto& o : ops) {
            OrderedJson j;
            j["name"] = std::string(o.op.op.name);
            j["axis"] = std::string(models::comm_axis_name(o.op.axis));
            j["flops"] = o.op.op.flops;
            j["bytes"] = o.op.op.bytes;
            j["bound"] = std::string(hardware::bound_name(o.bound));
            j["time_ms"] = round_to(o.time_ns * 1e-6, 5);
            a.push_back(j);
        }
        return a;
    };
    OrderedJson j;
    j["forward"] = list(forward);
    j["backward"] = list(backward);
    return j;
}

std::string training_ops_table(const std::vector<OpTime>& forward, const std::vector<OpTime>& backward) {
    std::string s;
    auto list = [&](const char* title, const std::vector<OpTime>& ops) {
        double total = 0;
        s += fmt::format("{} (one layer, one micro-batch)\n", title);
        s += fmt::format("  {:<20} {:>5} {:>12} {:>12} {:>8} {:>10}\n", "op", "axis", "GFLOP", "MB", "bound", "ms");
        for (const auto& o : ops) {
            s += fmt::format("  {:<20} {:>5} {:>12.3f} {:>12.3f} {:>8} {:>10.4f}\n", o.op.op.name,
                             o.op.axis == models::CommAxis::none ? "" : models::comm_axis_name(o.op.axis),
                             o.op.op.flops / 1e9, o.op.op.bytes / 1e6, hardware::bound_name(o.bound), o.time_ns * 1e-6);
            total += o.time_ns;
        }
        s += fmt::format("  {:<20} {:>52.4f}\n", "total (no overlap)", total * 1e-6);
    };
    list("forward", forward);
    list("backward", backward);
    return s;
}

}  // namespace llmsim::sim
