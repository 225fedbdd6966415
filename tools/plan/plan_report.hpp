#pragma once
// The planner's answer in its three printed forms: a ranked text table, JSON (`plan --json`) and CSV (one row per
// candidate).
#include <string>

#include "common/json_io.hpp"
#include "tools/plan/plan_search.hpp"
#include "tools/plan/plan_space.hpp"

namespace llmsim::tools {

struct PlanContext {
    std::string model;
    std::string router;
    int64_t simulated = 0, cached = 0;
    double wall_s = 0;
    int top = 20;  // rows of the text table
};

OrderedJson plan_json(const PlanSpace& space, const PlanOptions& o, const PlanResult& r, const PlanContext& ctx);
std::string plan_text(const PlanSpace& space, const PlanOptions& o, const PlanResult& r, const PlanContext& ctx);
std::string plan_csv(const PlanSpace& space, const PlanOptions& o, const PlanResult& r);

}  // namespace llmsim::tools
