#include "sim/training/pipeline_schedule.hpp"

#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "common/nearest.hpp"

namespace llmsim::sim {

std::vector<std::string> schedule_names(const std::vector<ScheduleInfo>& schedules) {
    std::vector<std::string> names;
    for (const auto& s : schedules)
        names.push_back(s.name);
    return names;
}

const ScheduleInfo& lookup_schedule(const std::vector<ScheduleInfo>& schedules, const std::string& name,
                                    const std::string& where) {
    for (const auto& s : schedules) {
        if (s.name == name) return s;
    }
    throw UsageError(where, unknown_name_message("pipeline schedule", name, schedule_names(schedules)));
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

}  // namespace llmsim::sim
