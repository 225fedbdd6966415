#pragma once
// Renderings of a training result: the JSON object `llmsim train --json` prints, a readable table, and the CSV
// rows of a layout search.
#include <string>
#include <vector>

#include "common/json_io.hpp"
#include "sim/training/training_sim.hpp"

namespace llmsim::sim {

OrderedJson training_result_json(const TrainingResult& r, const TrainingSimulator& sim);
std::string training_result_table(const TrainingResult& r, const TrainingSimulator& sim);

std::string training_csv_header();
std::string training_csv_row(const TrainingResult& r);

// One line per layout for the search summary.
std::string training_search_table(const std::vector<const TrainingResult*>& rows);

// Per-op detail of one layer (forward and backward) for --explain.
OrderedJson training_ops_json(const std::vector<OpTime>& forward, const std::vector<OpTime>& backward);
std::string training_ops_table(const std::vector<OpTime>& forward, const std::vector<OpTime>& backward);

}  // namespace llmsim::sim
