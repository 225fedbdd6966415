#pragma once
// Shared helpers for validation against published measurements: run the llmsim CLI, read its JSON, print a
// per-row error table and summarise.
#include <string>
#include <vector>

#include "common/json_io.hpp"

namespace llmsim::test {

// Runs `llmsim <args> --json` and parses stdout; fails the test (with stderr) on a non-zero exit.
Json run_json(const std::vector<std::string>& args);

struct ErrorRow {
    std::string label;
    double measured = 0;
    double predicted = 0;
    [[nodiscard]] double error() const { return (predicted - measured) / measured; }
};

// Prints the table (label, measured, predicted, signed error) and returns the median absolute error.
double report_errors(const std::string& title, const std::vector<ErrorRow>& rows);
double max_abs_error(const std::vector<ErrorRow>& rows);

}  // namespace llmsim::test
