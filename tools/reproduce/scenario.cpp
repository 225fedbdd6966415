#include "tools/reproduce/scenario.hpp"

#include "common/error.hpp"

namespace llmsim::tools::reproduce {

Verdict judge(const Scenario& s, double simulated) {
    LLMSIM_ASSERT(s.range.low <= s.range.high && s.tolerance >= 0, "bad claimed range in scenario " + s.name);
    if (simulated < s.range.low * (1 - s.tolerance)) return Verdict::below;
    if (simulated > s.range.high * (1 + s.tolerance)) return Verdict::above;
    return Verdict::reproduced;
}

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::reproduced:
            return "reproduced";
        case Verdict::below:
            return "missed (below the claimed range)";
        case Verdict::above:
            return "missed (above the claimed range)";
    }
    return "?";
}

}  // namespace llmsim::tools::reproduce
