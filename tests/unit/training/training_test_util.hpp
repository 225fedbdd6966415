#pragma once
// Fixtures shared by the training unit tests: a synthetic device with round-number links and constant collective
// efficiencies (so costs can be computed by hand), and a small GPT-style model.
#include "hardware/device_spec.hpp"
#include "models/model_spec.hpp"

namespace llmsim::test {

// 4 GPUs per node, 100 GB/s intra-node, 10 GB/s per-GPU NIC; calibrated profiles:
//   intra all_reduce x4: 20 us, efficiency 0.5; intra send_recv: 10 us, 0.8;
//   inter all_reduce x2: 50 us (2 steps) and x8: 110 us (14 steps), efficiency 0.8; inter send_recv: 30 us, 0.6.
inline hardware::DeviceSpec synthetic_device() {
    using hardware::CollectiveProfile;
    using hardware::EfficiencyCurve;
    hardware::DeviceSpec d;
    d.id = "synthetic";
    d.name = "synthetic";
    d.kind = "gpu";
    d.peak_flops_per_s[DType::bf16] = 100e12;
    d.peak_flops_per_s[DType::fp32] = 10e12;
    d.memory_bytes = 80e9;
    d.memory_bandwidth_bytes_per_s = 2e12;
    d.devices_per_node = 4;
    d.intra_node.kind = "nvswitch";
    d.intra_node.bandwidth_bytes_per_s = 100e9;
    d.intra_node.latency_ns = 2000;
    d.inter_node.kind = "ib";
    d.inter_node.bandwidth_bytes_per_s = 10e9;
    d.inter_node.latency_ns = 4000;
    d.intra_node_collectives[CollectiveKind::all_reduce] = {CollectiveProfile{4, 20000, EfficiencyCurve(0.5)}};
    d.intra_node_collectives[CollectiveKind::send_recv] = {CollectiveProfile{2, 10000, EfficiencyCurve(0.8)}};
    d.inter_node_collectives[CollectiveKind::all_reduce] = {CollectiveProfile{2, 50000, EfficiencyCurve(0.8)},
                                                            CollectiveProfile{8, 110000, EfficiencyCurve(0.8)}};
    d.inter_node_collectives[CollectiveKind::send_recv] = {CollectiveProfile{2, 30000, EfficiencyCurve(0.6)}};
    return d;
}

// GPT-style: 8 layers, hidden 1024, 16 heads, 4h MLP, vocab 32000, learned positions, tied embeddings.
inline models::ModelSpec small_gpt() {
    models::ModelSpec m;
    m.id = "small-gpt";
    m.family = "gpt3";
    m.num_layers = 8;
    m.hidden_size = 1024;
    m.num_heads = 16;
    m.num_kv_heads = 16;
    m.head_dim = 64;
    m.intermediate_size = 4096;
    m.vocab_size = 32000;
    m.max_position = 2048;
    m.mlp = models::MlpKind::plain;
    m.activation = models::Activation::gelu;
    m.norm = models::NormKind::layernorm;
    m.position = models::PositionKind::learned;
    m.attention_bias = true;
    m.mlp_bias = true;
    m.tied_embeddings = true;
    return m;
}

}  // namespace llmsim::test
