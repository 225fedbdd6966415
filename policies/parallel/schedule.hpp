#pragma once
// Pipeline schedule policies: one schedule per file, registered in schedule_registry.cpp. The interface they
// implement (PipeTask, RankOrder, ScheduleInfo) belongs to the training simulator (sim/training/pipeline_schedule);
// callers hand schedule_registry() to sim::TrainingSimulator.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/training/pipeline_schedule.hpp"

namespace llmsim::policies {

using sim::peak_in_flight;
using sim::PipeTask;
using sim::PipeTaskKind;
using sim::RankOrder;
using sim::ScheduleInfo;
using sim::validate_schedule;

const std::vector<ScheduleInfo>& schedule_registry();
std::vector<std::string> schedule_names();
const ScheduleInfo& find_schedule(const std::string& name, const std::string& where = "--schedule");

std::vector<RankOrder> one_f_one_b_orders(int32_t pp, int32_t m, int32_t vpp);
std::vector<RankOrder> interleaved_orders(int32_t pp, int32_t m, int32_t vpp);
std::vector<RankOrder> gpipe_orders(int32_t pp, int32_t m, int32_t vpp);
int32_t one_f_one_b_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank);
int32_t interleaved_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank);
int32_t gpipe_in_flight(int32_t pp, int32_t m, int32_t vpp, int32_t rank);

}  // namespace llmsim::policies
