// The explicit table of pipeline schedules.
#include <string>

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
    return sim::schedule_names(schedule_registry());
}

const ScheduleInfo& find_schedule(const std::string& name, const std::string& where) {
    return sim::lookup_schedule(schedule_registry(), name, where);
}

}  // namespace llmsim::policies
