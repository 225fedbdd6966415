#pragma once
// The report page of one `llmsim run --out DIR` directory: latency CDFs and queue/throughput over time from
// requests.csv; batch size, KV use, output rate and per-pool utilisation over time from timeline.csv.
#include <string>

#include "tools/report/html_report.hpp"

namespace llmsim::tools {

// Throws InputError naming the directory when it holds no run (no summary.json or requests.csv).
HtmlPage run_report_page(const std::string& run_dir);

}  // namespace llmsim::tools
