#pragma once
// A reproduction of one numeric claim of a seed paper (each scenario file names the paper and writes its claim and
// setup): the claim and the range it states, the baseline, the assumptions the simulation had to choose (model,
// hardware, lengths, SLOs) and the simulated value. A scenario states its assumptions from the paper's setup and is
// never tuned to land: a miss is reported with the reason the simulation sees.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/json_io.hpp"

namespace llmsim::tools::reproduce {

// The claimed value as a closed range in the claim's unit. "Up to 2.6x" is a range whose high end is the claim and
// whose low end is what the scenario's setup (the paper's best case) should still reach; a point claim has
// low == high.
struct ClaimedRange {
    double low = 0;
    double high = 0;
    std::string unit;  // "x" for ratios, else e.g. "tokens/s"
};

struct Reproduction {
    double simulated = 0;  // in the claim's unit
    std::string baseline;  // what a ratio is against, e.g. "vLLM (max batch 256, no chunking)"
    std::vector<std::pair<std::string, std::string>> assumptions;  // ("model", "mistral-7b"), ("SLO", "P99 TBT ...")
    OrderedJson runs = OrderedJson::array();  // the simulated points behind the value (settings and metrics)
    std::string explanation;                  // how the value follows from the runs; for a miss, the reason seen
};

struct Scenario {
    std::string name;   // "sarathi-serve-mistral-7b": lowercase, unique
    std::string paper;  // "Sarathi-Serve (Agrawal et al., OSDI 2024)"
    std::string claim;  // the paper's claim in a sentence
    ClaimedRange range;
    // Relative slack on both ends of the range: a simulator of a different machine can only be expected to land
    // near the paper's figure. Stated per scenario when the claim is looser or tighter than this.
    double tolerance = 0.15;
    std::function<Reproduction()> run;  // deterministic; keeps to a few seconds (the test suite runs them all)
};

enum class Verdict { reproduced, below, above };

Verdict judge(const Scenario& s, double simulated);
const char* verdict_name(Verdict v);

}  // namespace llmsim::tools::reproduce
