#pragma once
// The planner's searches over a PlanSpace:
//  1. maximum goodput of each replica configuration: an offline run (qps inf) gives its capacity C; the highest
//     rate meeting the SLO is bisected in [tolerance x C, C] until the bracket is narrower than tolerance x C (rates
//     rounded to 4 significant digits, so the runs and their keys are the same on every plan with the same seed);
//  2. with a target rate, the cheapest deployment: a configuration with R replicas behind a round-robin router is
//     estimated as one replica at rate/R (R x its goodput), the options ranked by $/hour then GPUs (or GPUs then
//     $/hour, or device power then $/hour), and the first is confirmed by a full run of all R replicas (then R is
//     walked down while the full run still meets the SLO; the first that does not is reported as the cheaper
//     neighbour);
//     $/hour is the instance price plus, with an electricity price, the energy of R x one replica's power at its
//     max-goodput rate (plan_energy.hpp);
//  3. the Pareto front of throughput per GPU (or per dollar) against latency over every evaluated run that met the
//     SLO.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/plan/plan_energy.hpp"
#include "tools/plan/plan_slo.hpp"
#include "tools/plan/plan_space.hpp"
#include "tools/plan/run_cache.hpp"

namespace llmsim::tools {

enum class PlanObjective { min_cost, min_gpus, max_goodput, min_energy };
enum class ParetoThroughput { per_gpu, per_usd };

struct PlanOptions {
    PlanSlo slo;
    double qps_tolerance = 0;  // bisection stops when the bracket is narrower than this fraction of the capacity
    int threads = 1;
    bool quiet = false;
    std::optional<double> target_qps;
    PlanObjective objective = PlanObjective::min_cost;
    std::vector<int64_t> replicas;  // ascending
    ParetoThroughput pareto_throughput = ParetoThroughput::per_gpu;
    std::string pareto_latency = "e2e";  // ttft | tpot | e2e, at the SLO percentile
    // Full runs of R replicas simulate R x this many requests (each replica sees as many as in the search); 0 keeps
    // the workload's own count (traces).
    int64_t requests_per_replica = 0;
    EnergyPrice energy;  // electricity in the cost; not counted at price 0

    // Power and energy figures appear in the output (they are off by default so a plain plan's output is unchanged).
    [[nodiscard]] bool shows_energy() const { return energy.counted() || objective == PlanObjective::min_energy; }
};

struct Probe {
    double qps = 0;  // per replica; +inf for the capacity run
    EvaluatedRun run;
    std::optional<std::string> violation;  // empty: met the SLO
};

struct CandidateResult {
    std::string status;  // ok | infeasible (no probed rate met the SLO) | error
    std::string reason;  // why not ok
    double capacity_rps = 0;
    double max_qps = 0;         // per replica: the highest probed rate that met the SLO
    int64_t best_probe = -1;    // the probe at max_qps
    int64_t failed_above = -1;  // the lowest probe above it that failed (-1: the capacity itself met the SLO)
    std::vector<Probe> probes;  // in evaluation order; probes[0] is the capacity run
    // At max_qps (the operating point), from the power model; null without one.
    std::optional<double> power_w;  // average device power of the replica
    std::optional<double> joules_per_output_token;
};

// A deployment: a candidate with a replica count.
struct Deployment {
    size_t candidate = 0;
    int64_t replicas = 1;
    double estimated_goodput_rps = 0;  // replicas x the candidate's max_qps
    int64_t gpus = 0;
    std::optional<double> usd_per_hour;         // instance price
    std::optional<double> power_w;              // replicas x one replica's power at its max-goodput rate
    std::optional<double> energy_usd_per_hour;  // power_w x PUE x price; null when energy is not counted
    std::optional<double> total_usd_per_hour;   // instance + energy (the ranked cost); null when either is unknown
};

struct FullRun {
    Deployment deployment;
    OrderedJson config;  // resolved settings of the run (`llmsim run --config` repeats it)
    EvaluatedRun run;
    std::optional<std::string> violation;
};

struct ParetoEntry {
    size_t candidate = 0;
    size_t probe = 0;
    double throughput = 0;  // output tokens/s per GPU, or output tokens per USD
    double latency_ms = 0;
};

struct PlanResult {
    std::vector<CandidateResult> results;  // candidate order
    std::vector<size_t> ranking;           // candidates with max_qps > 0, best first
    std::optional<FullRun> best;
    std::vector<FullRun> confirmations;  // every full run, in the order tried
    std::optional<FullRun> cheaper_neighbour;
    std::string neighbour_note;              // when there is no neighbour to run, why
    std::optional<Deployment> next_cheaper;  // the dearest ranked option cheaper than best (target mode)
    std::string next_cheaper_reason;
    std::vector<ParetoEntry> pareto;
};

// A probed rate rounded to 4 significant digits, so the runs (and their keys) are the same on every search.
double round_qps(double q);
// `settings` with its arrival rate set to `qps` (+inf is written "inf": every request arrives at once). A template:
// plan keeps ordered settings, reproduce plain JSON.
template <typename JsonT>
JsonT with_qps(JsonT settings, double qps) {
    if (std::isinf(qps)) {
        settings["qps"] = "inf";
    } else {
        settings["qps"] = qps;
    }
    return settings;
}

// Search 1 above for one candidate: its capacity and the highest rate meeting options.slo (options.qps_tolerance sets
// the bracket); `llmsim reproduce` uses it for capacity-under-SLO claims.
CandidateResult search_candidate(const Candidate& c, const PlanOptions& options, RunCache& cache);

// Throws UsageError naming the constraint when nothing can meet the SLO (or the target rate).
PlanResult run_plan(const PlanSpace& space, const PlanOptions& options, RunCache& cache);

// Ranks the candidates with a rate meeting the SLO by the objective, best first (ties: the space's order).
std::vector<size_t> rank_candidates(const PlanSpace& space, const std::vector<CandidateResult>& results,
                                    const PlanOptions& options);

// One replica's energy $/hour at its max-goodput rate (null when energy is not counted or the device has no power
// model) and its total $/hour, instance + energy (null when either part is unknown).
std::optional<double> replica_energy_usd_per_hour(const CandidateResult& r, const PlanOptions& options);
std::optional<double> replica_total_usd_per_hour(const Candidate& c, const CandidateResult& r,
                                                 const PlanOptions& options);

// Goodput per GPU (req/s) of a candidate result, and per total USD/hour (null when unpriced).
double goodput_per_gpu(const Candidate& c, const CandidateResult& r);
std::optional<double> goodput_per_usd_hour(const Candidate& c, const CandidateResult& r, const PlanOptions& options);

}  // namespace llmsim::tools
