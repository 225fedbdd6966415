// The explicit table of pipeline schedules.
#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "policies/parallel/schedule.hpp"

namespace llmsim::policies {

const std::vector<ScheduleInfo>& schedule_registry() {
    static const std::vector<ScheduleInfo> registry = {
        {"1f1b", "one forward one backward with a flush (PipeDream-Flush / Megatron default)", false,
         one_f_one_b_orders, one_f_one_b_in_flight},
        {"interleaved", "interleaved 1F1B over --vpp model chunks per rank (Megatron-LM)", true, interleaved_orders,
         interleaved_in_flight},
        {"gpipe", "all forwards then all backwards (GPipe)", false, gpipe_orders, gpipe_in_flight},
    };
    return registry;
}

std::vector<std::string> schedule_names() {
    std::vector<std::string> names;
    for (const auto& s : schedule_registry())
        names.push_back(s.name);
    return names;
}

const ScheduleInfo& find_schedule(const std::string& name, const std::string& where) {
    for (const auto& s : schedule_registry()) {
        if (s.name == name) return s;
    }
    throw UsageError(where, unknown_name_message("pipeline schedule", name, schedule_names()));
}

void validate_schedule(const ScheduleInfo& s, int32_t pp, int32_t m, int32_t vpp) {
    if (vpp < 1) throw UsageError("--vpp", "must be >= 1, got " + std::to_string(vpp));
    if (m < 1) throw UsageError("--global-batch", "no micro-batches to run (m = " + std::to_string(m) + ")");
    if (vpp == 1) return;
    if (!s.interleaved) {
        throw UsageError("--vpp", "schedule '" + s.name + "' runs one model chunk per rank; --vpp " +
                                      std::to_string(vpp) + " needs --schedule interleaved");
    }
    if (pp < 2) throw UsageError("--vpp", "interleaving needs --pp >= 2, got --pp " + std::to_string(pp));
    if (m % pp != 0) {
        throw UsageError("--vpp", "the interleaved schedule needs the micro-batches per pipeline (" +
                                      std::to_string(m) + ") to be a multiple of --pp " + std::to_string(pp) +
                                      " (Megatron-LM rule)");
    }
}

int32_t peak_in_flight(const RankOrder& order) {
    int32_t live = 0;
    int32_t peak = 0;
    for (const auto& t : order) {
        live += t.kind == PipeTaskKind::forward ? 1 : -1;
        peak = std::max(peak, live);
    }
    return peak;
}

}  // namespace llmsim::policies
