#pragma once
// How an engine runs its kernels, where that changes their cost on the same device. The default (all off) is the
// device profile as calibrated: PyTorch-eager kernels, NCCL collectives, one attention block per query head.
//
// - CUDA graphs: batches of at most graph_max_tokens tokens replay a graph captured for a fixed size, so they are
//   padded to the next captured size and the padding costs what real tokens cost in the non-attention ops (vLLM
//   V1's capture sizes: 1, 2, 4, multiples of 8 up to 256, then multiples of 16). The launch time graphs save is
//   host time: it belongs to the engine's host-overhead model, not here.
// - Memory-bound ceiling: fused, compiled kernels (torch.compile / CUTLASS / FlashInfer) reach the device's
//   achievable bandwidth at large sizes where the eager profile stopped short; each memory-efficiency curve is
//   raised so its maximum is at least this fraction of peak (its shape over sizes is kept).
// - GQA-packed split-KV decode attention (FlashInfer, FlashAttention-3, TRT-LLM XQA): one block serves all query
//   heads of a KV head, so per-row setup is paid per KV head rather than per query head, and it runs in parallel
//   blocks under the KV stream (it bounds the kernel's time instead of adding to it).
// - Custom all-reduce: TP all-reduces inside an NVLink domain use the one-/two-shot kernel of
//   hardware/custom_all_reduce.hpp up to its buffer size, NCCL above.
#include <cstdint>
#include <string_view>

namespace llmsim::sim {

enum class AllReduceImpl { nccl, custom };
std::string_view all_reduce_impl_name(AllReduceImpl a);

struct KernelExecution {
    int64_t graph_max_tokens = 0;          // 0: no CUDA graphs
    double memory_efficiency_ceiling = 0;  // 0: the profile's curves as calibrated
    bool gqa_packed_decode = false;
    AllReduceImpl all_reduce = AllReduceImpl::nccl;
};

// Token count a CUDA-graph replay runs for a batch of `tokens` (unchanged above graph_max_tokens or without graphs).
int64_t cuda_graph_padded_tokens(int64_t tokens, int64_t graph_max_tokens);

}  // namespace llmsim::sim
