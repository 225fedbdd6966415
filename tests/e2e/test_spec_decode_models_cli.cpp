// --spec-decode's trees, Medusa, PEARL, adaptive, decay, online ramp and batch schedule through the real binary: the
// run and its JSON, draft and verify slices in the Perfetto trace, and exit 2 naming the flag and the value on bad
// settings.
#include <catch2/catch.hpp>

#include "common/json_io.hpp"
#include "tests/support/test_support.hpp"

using namespace llmsim::test;

namespace {

std::vector<std::string> run_args(const std::string& spec, const std::vector<std::string>& more = {}) {
    std::vector<std::string> a = {"run", "--model", "llama-2-13b", "--hardware", "a100",         "--num-requests",
                                  "30",  "--qps",   "4",           "--lengths",  "fixed:256:96", "--spec-decode",
                                  spec};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

}  // namespace

TEST_CASE("medusa, eagle trees, pearl and the acceptance options run from the CLI", "[cli][spec_decode]") {
    for (const std::string spec :
         {"medusa:tree=3-2-2,alpha=0.6", "eagle:tree=4-2-2-1,alpha=0.6,decay=0.9", "pearl:model=llama-2-7b,gamma=6",
          "adaptive:model=llama-2-7b", "draft:model=llama-2-7b,alpha=0.4,alpha_to=0.9,ramp=10",
          "eagle:gamma=5,batch_gamma=2:2/8:0", "draft:model=llama-2-13b,context=128"}) {
        INFO(spec);
        const CommandResult r = run_llmsim(run_args(spec, {"--json"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto j = llmsim::Json::parse(r.out);
        REQUIRE(j.contains("spec_decode"));
        CHECK(j["spec_decode"]["tokens_per_step"].get<double>() >= 1);
        CHECK(j["spec_decode"]["mean_depth"].get<double>() >= 1);
        CHECK(j["completed"].get<int64_t>() == 30);
    }
}

TEST_CASE("the Perfetto trace shows draft and verify slices", "[cli][spec_decode]") {
    for (const std::string spec : {"draft:model=llama-2-7b,gamma=3", "pearl:model=llama-2-7b"}) {
        TempDir dir;
        const CommandResult r = run_llmsim(run_args(spec, {"--out", dir.path(), "--chrome-trace"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto trace = llmsim::Json::parse(read_text(dir.file("trace.json")));
        int drafts = 0;
        int verifies = 0;
        bool drafter_thread = false;
        double last_draft_end = 0;
        double first_verify_start = -1;
        for (const auto& e : trace["traceEvents"]) {
            const std::string name = e["name"].get<std::string>();
            if (name == "thread_name" && e["args"]["name"] == "drafter") drafter_thread = true;
            if (e.value("cat", "") == "draft") {
                ++drafts;
                if (drafts == 1) last_draft_end = e["ts"].get<double>() + e["dur"].get<double>();
            }
            if (name.rfind("verify", 0) == 0 || name.find("+verify") != std::string::npos) {
                ++verifies;
                if (first_verify_start < 0) first_verify_start = e["ts"].get<double>();
            }
        }
        INFO(spec << ": " << drafts << " drafts, " << verifies << " verifies");
        CHECK(drafter_thread);
        CHECK(drafts > 0);
        CHECK(drafts == verifies);
        // Serial drafting ends before its verify starts; PEARL's overlaps it.
        if (spec.rfind("draft", 0) == 0) {
            CHECK(last_draft_end <= first_verify_start + 1e-3);
        } else {
            CHECK(last_draft_end > first_verify_start);
        }
    }
}

TEST_CASE("bad tree, decay, ramp, schedule and drafter values exit 2 naming the flag and the value",
          "[cli][errors][spec_decode]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"eagle:tree=4-0-2", "tree '4-0-2'"},
        {"eagle:gamma=3,tree=4-2", "gamma '3'"},
        {"medusa:heads=0", "heads '0'"},
        {"medusa:heads=65", "heads '65'"},
        {"medusa:alpha=2", "alpha '2'"},
        {"eagle:decay=0", "decay '0'"},
        {"eagle:alpha_to=1.5,ramp=10", "alpha_to '1.5'"},
        {"eagle:ramp=100", "ramp '100'"},
        {"eagle:batch_gamma=8-3", "batch_gamma '8-3'"},
        {"pearl:model=llama-3-8b", "model=llama-3-8b"},
        {"pearl:model=llama-2-7b,adaptive=yes", "adaptive 'yes'"},
        {"speculate", "'speculate'"},
    };
    for (const auto& [spec, fragment] : cases) {
        const CommandResult r = run_llmsim(run_args(spec));
        INFO(spec << " -> " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(r.err.find("--spec-decode") != std::string::npos);
        CHECK(r.err.find(fragment) != std::string::npos);
    }
}
