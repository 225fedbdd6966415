#pragma once
// The pipeline schedule interface the training simulator runs: the order in which each pipeline rank runs the
// forward and backward passes of its model chunks for every micro-batch. The schedules themselves are policies
// (policies/parallel/, one per file, with their registry); the simulator is handed the table and turns the orders
// plus the data dependencies into a DAG, so bubbles are computed, not assumed.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace llmsim::sim {

enum class PipeTaskKind : uint8_t { forward, backward };

struct PipeTask {
    PipeTaskKind kind = PipeTaskKind::forward;
    int32_t microbatch = 0;
    int32_t chunk = 0;  // model chunk on this rank (0 .. vpp-1); virtual stage = chunk * pp + rank
};

using RankOrder = std::vector<PipeTask>;

struct ScheduleInfo {
    std::string name;
    std::string description;
    bool interleaved = false;  // accepts vpp > 1
    // Orders for pp ranks, m micro-batches, vpp chunks per rank. Preconditions checked by validate_schedule.
    std::function<std::vector<RankOrder>(int32_t pp, int32_t m, int32_t vpp)> build;
    // Closed form of peak_in_flight(build(...)[rank]) in chunks, for the search (tests check they agree).
    std::function<int32_t(int32_t pp, int32_t m, int32_t vpp, int32_t rank)> in_flight;
};

std::vector<std::string> schedule_names(const std::vector<ScheduleInfo>& schedules);
// The schedule called `name` in `schedules`; throws UsageError naming `where` and the valid names otherwise.
const ScheduleInfo& lookup_schedule(const std::vector<ScheduleInfo>& schedules, const std::string& name,
                                    const std::string& where = "--schedule");

// Throws UsageError naming `where` and the numbers when the schedule cannot run this shape (e.g. interleaving
// needs the micro-batch count to be a multiple of pp, as in Megatron-LM).
void validate_schedule(const ScheduleInfo& s, int32_t pp, int32_t m, int32_t vpp);

// Peak number of chunk activations a rank holds (forwards run minus backwards run), from its order.
int32_t peak_in_flight(const RankOrder& order);

}  // namespace llmsim::sim
