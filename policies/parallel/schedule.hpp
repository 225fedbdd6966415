#pragma once
// Pipeline schedules: the order in which each pipeline rank runs the forward and backward passes of its model
// chunks for every micro-batch. One schedule per file, registered in schedule_registry.cpp. The training simulator
// turns these orders plus the data dependencies into a DAG and simulates it, so bubbles are computed, not assumed.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace llmsim::policies {

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

const std::vector<ScheduleInfo>& schedule_registry();
std::vector<std::string> schedule_names();
const ScheduleInfo& find_schedule(const std::string& name, const std::string& where = "--schedule");

// Throws UsageError naming `where` and the numbers when the schedule cannot run this shape (e.g. interleaving
// needs the micro-batch count to be a multiple of pp, as in Megatron-LM).
void validate_schedule(const ScheduleInfo& s, int32_t pp, int32_t m, int32_t vpp);

std::vector<RankOrder> one_f_one_b_orders(int32_t pp, int32_t m, int32_t vpp);
std::vector<RankOrder> interleaved_orders(int32_t pp, int32_t m, int32_t vpp);
std::vector<RankOrder> gpipe_orders(int32_t pp, int32_t m, int32_t vpp);
int32_t one_f_one_b_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank);
int32_t interleaved_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank);
int32_t gpipe_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank);

// Peak number of chunk activations a rank holds (forwards run minus backwards run), from its order.
int32_t peak_in_flight(const RankOrder& order);

}  // namespace llmsim::policies
