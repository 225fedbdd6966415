#pragma once
// Scheduler policies by name: one policy per file, one row each in registry.cpp. The interface they implement is
// sim/serving/scheduler.hpp.
#include <memory>
#include <string>

#include "common/registry.hpp"
#include "sim/serving/scheduler.hpp"

namespace llmsim::policies {

using SchedulerFactory = std::unique_ptr<sim::Scheduler> (*)(const sim::SchedulerLimits&);
using SchedulerInfo = PolicyInfo<SchedulerFactory>;

const Registry<SchedulerInfo>& scheduler_registry();
std::unique_ptr<sim::Scheduler> make_scheduler(const std::string& name, const sim::SchedulerLimits& limits,
                                               const std::string& where = "--scheduler");

// Per-policy factories (defined in each policy's file).
std::unique_ptr<sim::Scheduler> make_vllm_scheduler(const sim::SchedulerLimits& limits);
std::unique_ptr<sim::Scheduler> make_sarathi_scheduler(const sim::SchedulerLimits& limits);
std::unique_ptr<sim::Scheduler> make_orca_scheduler(const sim::SchedulerLimits& limits);
std::unique_ptr<sim::Scheduler> make_static_scheduler(const sim::SchedulerLimits& limits);

}  // namespace llmsim::policies
