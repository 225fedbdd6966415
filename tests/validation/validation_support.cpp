#include "tests/validation/validation_support.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>

#include "tests/support/cli_checks.hpp"
#include "tests/support/test_support.hpp"

namespace llmsim::test {

Json run_json(const std::vector<std::string>& args) {
    std::vector<std::string> full = args;
    full.push_back("--json");
    return run_ok_json(full);
}

double report_errors(const std::string& title, const std::vector<ErrorRow>& rows) {
    std::printf("\n%s\n  %-48s %12s %12s %8s\n", title.c_str(), "row", "measured", "predicted", "error");
    std::vector<double> abs_errors;
    for (const auto& r : rows) {
        std::printf("  %-48s %12.4g %12.4g %+7.1f%%\n", r.label.c_str(), r.measured, r.predicted, r.error() * 100);
        abs_errors.push_back(std::fabs(r.error()));
    }
    const double med = median(abs_errors);
    std::printf("  median |error| %.1f%% over %zu rows\n", med * 100, rows.size());
    return med;
}

double max_abs_error(const std::vector<ErrorRow>& rows) {
    double m = 0;
    for (const auto& r : rows)
        m = std::max(m, std::fabs(r.error()));
    return m;
}

}  // namespace llmsim::test
