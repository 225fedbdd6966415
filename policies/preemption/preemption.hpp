#pragma once
// Preemption policies by name ("recompute" | "swap", each with victim=newest|most-kv), one row each in registry.cpp.
#include <memory>
#include <string>

#include "common/registry.hpp"
#include "sim/serving/preemption.hpp"

namespace llmsim::policies {

using PreemptionFactory = std::unique_ptr<sim::PreemptionPolicy> (*)(const PolicySpec&);
using PreemptionInfo = PolicyInfo<PreemptionFactory>;

const Registry<PreemptionInfo>& preemption_registry();
std::unique_ptr<sim::PreemptionPolicy> make_preemption(const std::string& spec,
                                                       const std::string& where = "--preemption");

std::unique_ptr<sim::PreemptionPolicy> make_recompute_preemption(const PolicySpec& spec);
std::unique_ptr<sim::PreemptionPolicy> make_swap_preemption(const PolicySpec& spec);

// Victim choices shared by the modes (victim.cpp).
enum class VictimChoice : uint8_t { newest, most_kv };
VictimChoice victim_choice(const PolicySpec& spec);
int64_t choose_victim(VictimChoice choice, const std::vector<sim::RequestState*>& running);
// A policy that preempts in `mode` and picks victims by the spec's `victim` parameter.
std::unique_ptr<sim::PreemptionPolicy> make_victim_policy(sim::PreemptMode mode, const PolicySpec& spec);

}  // namespace llmsim::policies
