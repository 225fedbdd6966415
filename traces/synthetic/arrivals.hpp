#pragma once
// Synthetic arrival processes for --arrival (poisson | gamma:CV | uniform) at a given --qps.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng.hpp"

namespace llmsim::traces {

enum class ArrivalKind { poisson, gamma, uniform };

struct ArrivalProcess {
    ArrivalKind kind = ArrivalKind::poisson;
    double cv = 1.0;  // coefficient of variation of inter-arrival gaps (gamma only; poisson is 1, uniform 0)
};

// Parses --arrival text; UsageError("--arrival", ...) naming the accepted forms otherwise.
ArrivalProcess parse_arrival(std::string_view text);
std::string to_string(const ArrivalProcess& process);  // round-trips through parse_arrival

// Parses --qps text: a positive number or "inf" (every request at t=0). UsageError("--qps", ...) otherwise.
double parse_qps(std::string_view text);
// Checks an already-numeric qps (> 0 or +inf); UsageError("--qps", ...) otherwise.
void validate_qps(double qps);

// `count` arrival times in ns, non-decreasing, the first at t=0. Gaps have mean 1/qps s: exponential (poisson),
// gamma with shape 1/CV^2 (gamma:CV), or exactly 1/qps (uniform). qps = +inf puts every request at t=0.
std::vector<int64_t> generate_arrivals(const ArrivalProcess& process, double qps, int64_t count, Rng& rng);

}  // namespace llmsim::traces
