// inference-perf workload configs (--workload): load stages, shared_prefix prompts, multi-turn chains, errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/traces/trace_test_util.hpp"
#include "traces/inference_perf/workload_file.hpp"
#include "traces/workload_builder.hpp"

using namespace llmsim;
using namespace llmsim::traces;
using llmsim::test::error_message;
using llmsim::test::TempDir;

namespace {

std::string config(const std::string& load, const std::string& data) {
    return "load:\n" + load + "data:\n" + data;
}

std::string shared_prefix(int groups, int per_group, int system, int question, int output, bool multi_turn) {
    return "  type: shared_prefix\n  shared_prefix:\n    num_groups: " + std::to_string(groups) +
           "\n    num_prompts_per_group: " + std::to_string(per_group) +
           "\n    system_prompt_len: " + std::to_string(system) + "\n    question_len: " + std::to_string(question) +
           "\n    output_len: " + std::to_string(output) +
           "\n    enable_multi_turn_chat: " + (multi_turn ? "true" : "false") + "\n";
}

std::string stages(const std::string& type, double rate, int duration) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "  type: %s\n  stages:\n    - rate: %g\n      duration: %d\n", type.c_str(), rate,
                  duration);
    return buf;
}

std::vector<PromptSegment> segments_of(const Workload& w, const RequestSpec& r) {
    return {w.segments.begin() + r.segment_offset, w.segments.begin() + r.segment_offset + r.segment_count};
}

bool same(const PromptSegment& a, const PromptSegment& b) {
    return a.id == b.id && a.tokens == b.tokens;
}

// The error names file:line and the key path.
void check_error(const std::string& path, const std::string& text, int line, const std::string& key,
                 const std::string& value) {
    TempDir dir;
    const auto file = dir.write(path, text);
    const std::string m = error_message<InputError>([&] { (void)read_workload_file(file, 0); });
    INFO(m);
    CHECK(m.find(file + ":" + std::to_string(line)) != std::string::npos);
    CHECK(m.find("'" + key + "'") != std::string::npos);
    CHECK(m.find(value) != std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("inference-perf: constant stages send int(rate x duration) requests inside each stage", "[traces]") {
    TempDir dir;
    const auto path = dir.write("c.yaml",
                                "load:\n  type: constant\n  stages:\n    - rate: 5\n      duration: 10\n"
                                "    - {rate: 2.5, duration: 4}\n" +
                                    std::string("data:\n") + shared_prefix(2, 2, 10, 5, 3, false));
    const Workload w = read_workload_file(path, 1);
    REQUIRE(w.stages.size() == 2);
    CHECK(w.stages[0].rate_rps == 5);
    CHECK(w.stages[1].duration_s == 4);
    REQUIRE(w.requests.size() == 60);
    CHECK(w.has_timestamps);
    // Stage 0 spans (0, 10 s]; after load.interval (1 s) stage 1 spans (11, 15 s]. inference-perf's constant timer
    // scales exponential gaps to fill the stage exactly, so the last request of a stage lands on its end.
    int64_t previous = -1;
    for (size_t i = 0; i < w.requests.size(); ++i) {
        const auto& r = w.requests[i];
        CHECK(r.arrival_ns >= previous);
        previous = r.arrival_ns;
        CHECK(r.stage == (i < 50 ? 0 : 1));
        if (i < 50) {
            CHECK(r.arrival_ns > 0);
            CHECK(r.arrival_ns <= 10'000'000'000);
        } else {
            CHECK(r.arrival_ns > 11'000'000'000);
            CHECK(r.arrival_ns <= 15'000'000'000);
        }
    }
    CHECK(w.requests[49].arrival_ns == 10'000'000'000);
    CHECK(w.requests[59].arrival_ns == 15'000'000'000);

    // Poisson: the same counts, arrivals non-decreasing, roughly the stage's rate.
    const auto poisson = dir.write("p.yaml", config(stages("poisson", 20, 50), shared_prefix(2, 2, 10, 5, 3, false)));
    const Workload p = read_workload_file(poisson, 1);
    REQUIRE(p.requests.size() == 1000);
    for (size_t i = 1; i < p.requests.size(); ++i)
        CHECK(p.requests[i].arrival_ns >= p.requests[i - 1].arrival_ns);
    CHECK(static_cast<double>(p.requests.back().arrival_ns) * 1e-9 == Approx(50).epsilon(0.1));

    // int() truncation as in inference-perf: 0.33 req/s x 10 s = 3 requests.
    const auto small = dir.write("s.yaml", config(stages("constant", 0.33, 10), shared_prefix(1, 1, 1, 1, 1, false)));
    CHECK(read_workload_file(small, 0).requests.size() == 3);
}

TEST_CASE("inference-perf: shared_prefix prompts share their group's system prompt and cycle", "[traces]") {
    TempDir dir;
    const auto path = dir.write("sp.yaml", config(stages("constant", 2, 12), shared_prefix(3, 4, 100, 20, 7, false)));
    const Workload w = read_workload_file(path, 3);
    REQUIRE(w.requests.size() == 24);
    std::set<uint64_t> system_ids, question_ids;
    for (size_t i = 0; i < w.requests.size(); ++i) {
        const auto& r = w.requests[i];
        CHECK(r.prompt_tokens == 120);
        CHECK(r.output_tokens == 7);
        CHECK(r.after == -1);
        const auto segs = segments_of(w, r);
        REQUIRE(segs.size() == 2);
        CHECK(segs[0].tokens == 100);
        CHECK(segs[1].tokens == 20);
        CHECK(segs[0].id != 0);
        CHECK(segs[1].id != 0);
        system_ids.insert(segs[0].id);
        if (i < 12) {
            CHECK(question_ids.insert(segs[1].id).second);  // the first 12 requests use 12 distinct prompts
        } else {
            // ... and the next 12 repeat them in the same order (request i sends prompt i mod 12).
            const auto first = segments_of(w, w.requests[i - 12]);
            CHECK(same(segs[0], first[0]));
            CHECK(same(segs[1], first[1]));
        }
    }
    CHECK(system_ids.size() == 3);
    for (uint64_t id : system_ids)
        CHECK(question_ids.count(id) == 0);
    // Four prompts per group: every system prompt id is used by exactly 4 of the first 12 requests.
    for (uint64_t id : system_ids) {
        int users = 0;
        for (size_t i = 0; i < 12; ++i)
            users += segments_of(w, w.requests[i])[0].id == id ? 1 : 0;
        CHECK(users == 4);
    }
}

TEST_CASE("inference-perf: multi-turn rounds quote earlier turns and wait for the previous answer", "[traces]") {
    TempDir dir;
    const int n_users = 4, system = 50, question = 30, output = 9;
    const auto path =
        dir.write("mt.yaml", config(stages("constant", 1, 12), shared_prefix(2, 2, system, question, output, true)));
    const Workload w = read_workload_file(path, 5);
    REQUIRE(w.requests.size() == 12);
    std::set<uint64_t> outputs;
    for (size_t i = 0; i < w.requests.size(); ++i) {
        const auto& r = w.requests[i];
        const int round = static_cast<int>(i) / n_users;
        INFO("request " << i << " round " << round);
        CHECK(r.prompt_tokens == system + (round + 1) * question + round * output);
        CHECK(r.output_segment != 0);
        CHECK(outputs.insert(r.output_segment).second);
        const auto segs = segments_of(w, r);
        REQUIRE(segs.size() == static_cast<size_t>(2 * round + 2));
        CHECK(segs[0].tokens == system);
        if (round == 0) {
            CHECK(r.after == -1);
            continue;
        }
        // Round r = round r-1's prompt, its answer, then the user's question again.
        REQUIRE(r.after == static_cast<int32_t>(i) - n_users);
        const auto& previous = w.requests[static_cast<size_t>(r.after)];
        CHECK(previous.arrival_ns <= r.arrival_ns);
        const auto before = segments_of(w, previous);
        for (size_t k = 0; k < before.size(); ++k)
            CHECK(same(segs[k], before[k]));
        CHECK(segs[before.size()].id == previous.output_segment);
        CHECK(segs[before.size()].tokens == output);
        CHECK(same(segs.back(), before.back()));
    }
}

TEST_CASE("inference-perf: the same seed gives the same workload", "[traces]") {
    TempDir dir;
    const auto path = dir.write("d.yaml", config(stages("poisson", 8, 20), shared_prefix(3, 3, 40, 10, 5, false)));
    const Workload a = read_workload_file(path, 42);
    const Workload b = read_workload_file(path, 42);
    const Workload c = read_workload_file(path, 43);
    REQUIRE(a.requests.size() == b.requests.size());
    bool differs = a.requests.size() != c.requests.size();
    for (size_t i = 0; i < a.requests.size(); ++i) {
        CHECK(a.requests[i].arrival_ns == b.requests[i].arrival_ns);
        CHECK(a.requests[i].segment_offset == b.requests[i].segment_offset);
        if (i < c.requests.size()) differs = differs || a.requests[i].arrival_ns != c.requests[i].arrival_ns;
    }
    REQUIRE(a.segments.size() == b.segments.size());
    for (size_t i = 0; i < a.segments.size(); ++i)
        CHECK(same(a.segments[i], b.segments[i]));
    CHECK(differs);
    CHECK(a.source.find("seed 42") != std::string::npos);
}

TEST_CASE("inference-perf: random data draws clipped normal lengths and cycles through total_count", "[traces]") {
    TempDir dir;
    const auto path = dir.write("r.yaml",
                                "load:\n  stages: [{rate: 10, duration: 100}]\ndata:\n  type: random\n"
                                "  input_distribution: {min: 100, max: 300, mean: 200, std_dev: 50, "
                                "total_count: 400}\n"
                                "  output_distribution: {min: 5, max: 5, mean: 5, std_dev: 0, "
                                "total_count: 7}\n");
    const Workload w = read_workload_file(path, 9);
    REQUIRE(w.requests.size() == 1000);
    double sum = 0;
    for (size_t i = 0; i < w.requests.size(); ++i) {
        const auto& r = w.requests[i];
        CHECK(r.prompt_tokens >= 100);
        CHECK(r.prompt_tokens <= 300);
        CHECK(r.output_tokens == 5);
        CHECK(r.segment_count == 0);
        if (i >= 400) CHECK(r.prompt_tokens == w.requests[i - 400].prompt_tokens);
        sum += r.prompt_tokens;
    }
    CHECK(sum / 1000 == Approx(200).epsilon(0.05));

    const auto sharegpt = dir.write("g.yaml",
                                    "load:\n  stages: [{rate: 10, duration: 50}]\ndata:\n  type: shareGPT\n"
                                    "  output_distribution: {min: 10, max: 200, mean: 50}\n");
    const Workload g = read_workload_file(sharegpt, 9);
    REQUIRE(g.requests.size() == 500);
    for (const auto& r : g.requests) {
        CHECK(r.output_tokens >= 10);
        CHECK(r.output_tokens <= 200);
    }
}

TEST_CASE("inference-perf: bad configs name file:line, the key path, the value and what was expected", "[traces]") {
    const std::string good_load = stages("constant", 1, 10);
    const std::string good_data = shared_prefix(1, 1, 1, 1, 1, false);
    // Line numbers below count from 1 at "load:".
    check_error("unknown.yaml", "lod:\n  type: constant\n" + std::string("load:\n") + good_load + "data:\n" + good_data,
                1, "lod", "valid:");
    check_error("nested.yaml", config(good_load, shared_prefix(1, 1, 1, 1, 1, false) + "    num_group: 3\n"), 15,
                "data.shared_prefix.num_group", "num_groups");
    check_error("type.yaml", config(good_load, "  type: shared_prefix\n  shared_prefix:\n    num_groups: ten\n"), 9,
                "data.shared_prefix.num_groups", "ten");
    check_error("quoted.yaml", config(good_load, "  type: shared_prefix\n  shared_prefix:\n    num_groups: \"4\"\n"), 9,
                "data.shared_prefix.num_groups", "expected an integer");
    check_error("load.yaml", config(stages("burst", 1, 10), good_data), 2, "load.type", "burst");
    check_error("negative.yaml", config(good_load, "  type: shared_prefix\n  shared_prefix:\n    num_groups: -2\n"), 9,
                "data.shared_prefix.num_groups", "-2");
    check_error("stages.yaml", "load:\n  type: constant\n  stages: 5\ndata:\n" + good_data, 3, "load.stages",
                "expected a non-empty list");
    check_error("rate.yaml", config("  stages:\n    - rate: fast\n      duration: 10\n", good_data), 3,
                "load.stages[0].rate", "fast");
    check_error("data.yaml", config(good_load, "  type: mock\n"), 7, "data.type", "mock");

    const std::string missing = "/nonexistent/dir/workload.yaml";
    const std::string m = error_message<InputError>([&] { (void)read_workload_file(missing, 0); });
    CHECK(m.find(missing) != std::string::npos);
    CHECK(m.find("cannot open") != std::string::npos);

    TempDir dir;
    const auto broken = dir.write("broken.yaml", "load:\n  stages: [\n");
    CHECK(error_message<InputError>([&] { (void)read_workload_file(broken, 0); }).find(broken + ":") !=
          std::string::npos);
}

TEST_CASE("inference-perf: --workload excludes the flags the file defines", "[traces]") {
    TempDir dir;
    const auto path = dir.write("w.yaml", config(stages("constant", 2, 5), shared_prefix(1, 2, 8, 4, 2, false)));
    WorkloadOptions o;
    o.workload_path = path;
    CHECK(build_workload(o).requests.size() == 10);
    const auto flag_error = [&](WorkloadOptions bad) {
        return error_message<UsageError>([&] { (void)build_workload(bad); });
    };
    WorkloadOptions q = o;
    q.qps = 3.0;
    CHECK(flag_error(q).find("--qps") != std::string::npos);
    WorkloadOptions n = o;
    n.num_requests = 5;
    CHECK(flag_error(n).find("--num-requests") != std::string::npos);
    WorkloadOptions t = o;
    t.trace_path = "x.csv";
    CHECK(flag_error(t).find("--trace") != std::string::npos);
    WorkloadOptions l = o;
    l.lengths = "fixed:1:1";
    CHECK(flag_error(l).find("--lengths") != std::string::npos);
    WorkloadOptions a = o;
    a.arrival = "poisson";
    CHECK(flag_error(a).find("--arrival") != std::string::npos);
}

// The 8 real vLLM runs of ../shared/reference/real-serving (README there): fixtures written from the CSV's columns;
// load_count and prompt_len_mean are the CSV's summary rows.
TEST_CASE("inference-perf: real-serving experiment configs give the measured request counts", "[traces]") {
    struct Experiment {
        const char* name;
        int64_t load_count;
        double prompt_len_mean;
    };
    const Experiment experiments[] = {
        {"llama-2-7b-tp1-codegen", 9000, 591.63},     {"llama-2-7b-tp1-roleplay", 7200, 785.84},
        {"llama-2-7b-tp1-reasoning", 4800, 1082.217}, {"llama-2-7b-tp1-general", 16800, 575.45},
        {"codellama-34b-tp2-general", 16800, 574.24}, {"codellama-34b-tp2-codegen", 9000, 593.37},
        {"codellama-34b-tp2-roleplay", 7200, 786.73}, {"codellama-34b-tp2-reasoning", 4800, 1081.046},
    };
    for (const auto& e : experiments) {
        const std::string path = test::source_path(std::string("tests/data/inference_perf/") + e.name + ".yaml");
        const Workload w = read_workload_file(path, 0);
        INFO(e.name);
        CHECK(static_cast<int64_t>(w.requests.size()) == e.load_count);
        double all = 0, first_round = 0;
        int64_t first_round_n = 0;
        for (const auto& r : w.requests) {
            all += r.prompt_tokens;
            if (r.after < 0) {
                first_round += r.prompt_tokens;
                ++first_round_n;
            }
        }
        const double mean = all / static_cast<double>(w.requests.size());
        const double first_mean = first_round / static_cast<double>(first_round_n);
        std::printf(
            "%-28s requests %6zu (measured %6lld)  prompt_len_mean: multi-turn %9.1f, first round %7.1f, "
            "measured %7.1f\n",
            e.name, w.requests.size(), static_cast<long long>(e.load_count), mean, first_mean, e.prompt_len_mean);
        // system + question is within 10% of the measured mean (the rest is re-tokenising random token text). The
        // measured mean is identical across stages, so the real runs did not grow prompts turn by turn, although
        // inference-perf's session code (which llmsim follows) appends every answer: see docs/workloads.md.
        CHECK(std::abs(first_mean - e.prompt_len_mean) / e.prompt_len_mean < 0.10);
        CHECK(mean > first_mean);
    }
}
