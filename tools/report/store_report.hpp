#pragma once
// The report page of sweeps and plans in a result store (tools/store): for each sweep, every stored metric of
// interest against each swept axis (one line per combination of the other axes) and the Pareto front of output
// tokens/s per GPU against p90 end-to-end latency.
#include <optional>
#include <string>

#include "tools/report/html_report.hpp"

namespace llmsim::tools {

// `sweep`: a sweep id or name; all sweeps when unset. Throws InputError naming the database when it is not a
// result store, holds no sweep, or not the one asked for.
HtmlPage store_report_page(const std::string& db_path, const std::optional<std::string>& sweep);

}  // namespace llmsim::tools
