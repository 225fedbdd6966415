#include "tools/calibration/serving_log.hpp"

#include <fmt/format.h>

#include <cmath>

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "models/presets.hpp"

namespace llmsim::tools {
namespace {

// A run that failed requests, or kept clients waiting this long for a first token, was overloaded: its latency is
// the queue's, not the engine's.
constexpr double kSaturatedTtftMs = 10'000;
// Measured prompts within this of system + question did not grow turn by turn (see the replay note).
constexpr double kSingleTurnTolerance = 0.15;

std::string match_model(const std::string& name, const std::map<std::string, std::string>& models,
                        const std::string& where) {
    if (auto it = models.find(name); it != models.end()) return it->second;
    std::string base = to_lower(name);
    if (const size_t slash = base.rfind('/'); slash != std::string::npos) base = base.substr(slash + 1);
    std::string best;
    for (const auto& id : models::model_preset_ids()) {
        if (base.rfind(id, 0) == 0 && id.size() > best.size()) best = id;
    }
    if (best.empty()) {
        throw InputError(where, "column 'model': no llmsim preset matches '" + name +
                                    "' (map it with --model-map NAME=ID; see llmsim list models)");
    }
    return best;
}

std::vector<std::string> pipe_list(std::string_view text) {
    std::vector<std::string> out;
    for (auto part : split(text, '|'))
        out.emplace_back(trim(part));
    return out;
}

bool parse_bool(std::string_view text, const std::string& where, const std::string& column) {
    const std::string t = to_lower(trim(text));
    if (t == "true" || t == "1") return true;
    if (t == "false" || t == "0" || t.empty()) return false;
    throw InputError(where, "column '" + column + "': bad value '" + std::string(text) + "' (expected true or false)");
}

}  // namespace

std::vector<ServingExperiment> read_serving_log(const std::string& path,
                                                const std::map<std::string, std::string>& models) {
    CsvReader csv(path);
    const size_t c_exp = csv.require_column("exp_dir");
    const size_t c_model = csv.require_column("model");
    const size_t c_tp = csv.require_column("tp");
    const size_t c_seqs = csv.require_column("max_num_seqs");
    const size_t c_tokens = csv.require_column("max_num_batched_tokens");
    const size_t c_len = csv.require_column("max_model_len");
    const size_t c_load = csv.require_column("load_type");
    const size_t c_rates = csv.require_column("stages_rate_rps");
    const size_t c_durations = csv.require_column("stages_duration_s");
    const size_t c_data = csv.require_column("data_type");
    const size_t c_groups = csv.require_column("resolved_num_groups");
    const size_t c_prompts = csv.require_column("resolved_num_prompts_per_group");
    const size_t c_system = csv.require_column("system_prompt_len");
    const size_t c_question = csv.require_column("question_len");
    const size_t c_output = csv.require_column("output_len");
    const size_t c_multi = csv.require_column("enable_multi_turn_chat");
    const size_t c_scope = csv.require_column("scope");
    const size_t c_ttft = csv.require_column("ttft_mean_s");
    const size_t c_e2e = csv.require_column("e2e_mean_s");
    const size_t c_failures = csv.require_column("failure_count");
    const auto c_prompt_mean = csv.column("prompt_len_mean");

    std::vector<ServingExperiment> out;
    while (csv.next()) {
        const std::string name(trim(csv.field(c_exp)));
        if (name.empty()) throw InputError(csv.where("exp_dir"), "empty experiment name");
        if (out.empty() || out.back().name != name) {
            for (const auto& e : out) {
                if (e.name == name) {
                    throw InputError(csv.where("exp_dir"), "rows of experiment '" + name +
                                                               "' are not contiguous (first seen at " + e.where + ")");
                }
            }
            ServingExperiment e;
            e.name = name;
            e.where = csv.where();
            e.model = match_model(std::string(trim(csv.field(c_model))), models, csv.where("model"));
            e.tp = csv.get_nonneg_int(c_tp);
            e.max_num_seqs = csv.get_nonneg_int(c_seqs);
            e.max_num_batched_tokens = csv.get_nonneg_int(c_tokens);
            e.max_model_len = csv.get_nonneg_int(c_len);
            for (const auto& [v, col] : {std::pair{e.tp, "tp"},
                                         {e.max_num_seqs, "max_num_seqs"},
                                         {e.max_num_batched_tokens, "max_num_batched_tokens"},
                                         {e.max_model_len, "max_model_len"}}) {
                if (v < 1) throw InputError(csv.where(col), std::string("column '") + col + "': must be >= 1");
            }
            const std::string load(trim(csv.field(c_load)));
            if (load != "constant" && load != "poisson") {
                throw InputError(csv.where("load_type"),
                                 "column 'load_type': bad value '" + load + "' (expected constant or poisson)");
            }
            const auto rates = pipe_list(csv.field(c_rates));
            const auto durations = pipe_list(csv.field(c_durations));
            if (rates.empty() || rates.size() != durations.size()) {
                throw InputError(csv.where("stages_rate_rps"),
                                 "columns 'stages_rate_rps' and 'stages_duration_s' need one value per stage, "
                                 "separated by '|'");
            }
            const std::string data(trim(csv.field(c_data)));
            if (data != "shared_prefix") {
                throw InputError(csv.where("data_type"), "column 'data_type': '" + data +
                                                             "' is not replayable from summary columns (expected "
                                                             "shared_prefix)");
            }
            const int64_t system = csv.get_nonneg_int(c_system);
            const int64_t question = csv.get_nonneg_int(c_question);
            bool multi_turn =
                parse_bool(csv.field(c_multi), csv.where("enable_multi_turn_chat"), "enable_multi_turn_chat");
            // inference-perf's session code grows each user's prompt by every earlier turn; when the logged prompt
            // mean shows no growth the client did not, and the replay follows the measurement.
            if (multi_turn && c_prompt_mean) {
                const double measured = csv.get_nonneg_double(*c_prompt_mean);
                const auto first_turn = static_cast<double>(system + question);
                if (std::abs(measured / first_turn - 1) <= kSingleTurnTolerance) {
                    multi_turn = false;
                    e.replay_note = fmt::format(
                        "replayed single-turn: logged prompt_len_mean {:.0f} is within {:.0f}% of system + question "
                        "({}), so prompts did not grow turn by turn",
                        measured, 100 * kSingleTurnTolerance, system + question);
                }
            }
            std::string yaml =
                fmt::format("# written from {} ({})\nload:\n  type: {}\n  stages:\n", path, csv.where(), load);
            for (size_t i = 0; i < rates.size(); ++i) {
                const auto rate = parse_double(rates[i]);
                const auto seconds = parse_int(durations[i]);
                if (!rate || *rate <= 0 || !seconds || *seconds <= 0) {
                    throw InputError(csv.where("stages_rate_rps"),
                                     fmt::format("stage {}: bad rate '{}' or duration '{}' (expected numbers > 0)", i,
                                                 rates[i], durations[i]));
                }
                yaml += fmt::format("    - rate: {}\n      duration: {}\n", rates[i], *seconds);
            }
            yaml += fmt::format(
                "data:\n  type: shared_prefix\n  shared_prefix:\n    num_groups: {}\n    num_prompts_per_group: {}\n"
                "    system_prompt_len: {}\n    question_len: {}\n    output_len: {}\n"
                "    enable_multi_turn_chat: {}\n",
                csv.get_nonneg_int(c_groups), csv.get_nonneg_int(c_prompts), system, question,
                csv.get_nonneg_int(c_output), multi_turn ? "true" : "false");
            e.workload_yaml = std::move(yaml);
            out.push_back(std::move(e));
        }
        ServingExperiment& e = out.back();
        const std::string scope(trim(csv.field(c_scope)));
        ServingTarget t;
        t.where = csv.where();
        if (scope == "summary") {
            t.stage = -1;
        } else if (scope.rfind("stage_", 0) == 0) {
            const auto k = parse_int(scope.substr(6));
            if (!k || *k < 0) {
                throw InputError(csv.where("scope"),
                                 "column 'scope': bad value '" + scope + "' (expected summary or stage_N)");
            }
            t.stage = static_cast<int32_t>(*k);
        } else {
            throw InputError(csv.where("scope"),
                             "column 'scope': bad value '" + scope + "' (expected summary or stage_N)");
        }
        t.ttft_mean_ms = csv.get_positive_double(c_ttft) * 1e3;
        t.e2e_mean_ms = csv.get_positive_double(c_e2e) * 1e3;
        t.saturated = csv.get_nonneg_int(c_failures) > 0 || t.ttft_mean_ms > kSaturatedTtftMs;
        e.targets.push_back(t);
    }
    if (out.empty()) throw InputError(path, "no experiment rows");
    return out;
}

}  // namespace llmsim::tools
