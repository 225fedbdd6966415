#include "sim/cost/kernel_execution.hpp"

#include "common/error.hpp"

namespace llmsim::sim {

std::string_view all_reduce_impl_name(AllReduceImpl a) {
    return a == AllReduceImpl::custom ? "custom" : "nccl";
}

int64_t cuda_graph_padded_tokens(int64_t tokens, int64_t graph_max_tokens) {
    LLMSIM_ASSERT(tokens > 0, "a batch has at least one token");
    if (graph_max_tokens <= 0 || tokens > graph_max_tokens) return tokens;
    int64_t padded = tokens;
    if (tokens <= 2) {
        padded = tokens;
    } else if (tokens <= 4) {
        padded = 4;
    } else if (tokens <= 256) {
        padded = (tokens + 7) / 8 * 8;
    } else {
        padded = (tokens + 15) / 16 * 16;
    }
    // The largest capture is graph_max_tokens itself, whatever its alignment.
    return padded > graph_max_tokens ? graph_max_tokens : padded;
}

}  // namespace llmsim::sim
