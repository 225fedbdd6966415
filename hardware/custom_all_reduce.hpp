#pragma once
// The custom all-reduce that vLLM, SGLang and TensorRT-LLM use for small TP messages inside an NVLink domain, instead
// of NCCL: every rank writes its buffer to peer-visible memory and reduces the peers' copies itself, with one
// barrier (one-shot: each rank reads all n-1 peer buffers) or two (two-shot: reduce-scatter then all-gather, each
// rank moving 2(n-1)/n of the buffer); the faster is used. Cost: sync_ns per barrier round plus the bytes each rank
// reads at a fraction of the path bandwidth (these kernels run on a few blocks and do the reduction while copying).
//
// Fit: vLLM's custom all-reduce on H100 SXM (NVLink4, 450 GB/s per direction), eager mode, as published in
// sgl-project/sglang PR #2904 (2025-01-15): TP 2/4/8 at 512 B: 9.5/9.1/10.1 us; 256 KiB: 12.9/20.6/24.1 us;
// 512 KiB: 17.7/26.9/30.4 us; 1 MiB: 26.6/40.2/45.0 us. sync 8.5 us and efficiency 0.13 reproduce every point
// within 16% (tests/unit/test_custom_all_reduce.cpp prints them).
#include <cstdint>
#include <optional>

#include "hardware/collectives.hpp"
#include "hardware/topology.hpp"

namespace llmsim::hardware {

struct CustomAllReduceModel {
    double sync_ns = 8500;
    double link_efficiency = 0.13;
    double max_bytes = 8.0 * 1024 * 1024;  // vLLM's buffer: larger messages go to NCCL
};

// nullopt when the custom kernel does not apply: the group spans nodes or the message exceeds the buffer.
std::optional<CollectiveEstimate> custom_all_reduce(double bytes, const GroupShape& group,
                                                    const CustomAllReduceModel& model = {});

}  // namespace llmsim::hardware
