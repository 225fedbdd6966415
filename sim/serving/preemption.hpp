#pragma once
// The preemption seam: when a replica's KV pool runs dry, which running request gives way and how (recompute: drop
// its KV and prefill again later; swap: move its KV to host memory and back). Policies live in policies/preemption/.
#include <cstdint>
#include <vector>

#include "sim/serving/request_lifecycle.hpp"
#include "sim/serving/request_state.hpp"

namespace llmsim::sim {

class PreemptionPolicy {
  public:
    virtual ~PreemptionPolicy() = default;
    [[nodiscard]] virtual PreemptMode mode() const = 0;
    // Index into `running` (admission order, oldest first) of the victim: an idle running request; -1 when none.
    [[nodiscard]] virtual int64_t choose_victim(const std::vector<RequestState*>& running) const = 0;
};

}  // namespace llmsim::sim
