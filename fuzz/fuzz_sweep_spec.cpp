// A sweep spec (tools/sweep/sweep_spec.cpp): parsing, then the first and last point's settings as the runner
// expands them (the expansion indexes the axes, so it is part of what a bad spec can break).
#include "fuzz/harness.hpp"
#include "tools/sweep/sweep_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return llmsim::fuzz::fuzz_file_parser(data, size, ".json", [](const std::string& path) {
        const llmsim::tools::SweepSpec spec = llmsim::tools::load_sweep_spec(path);
        const int64_t points = spec.points();
        if (points > 0) {
            (void)spec.point(0);
            (void)spec.point(points - 1);
            (void)spec.point_where(points - 1);
        }
        (void)spec.canonical_json();
    });
}
