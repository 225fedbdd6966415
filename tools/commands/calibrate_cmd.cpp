// llmsim calibrate: measurements (harness CSVs and imported third-party profiles) -> calibrated hardware profile.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <utility>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/limits.hpp"
#include "common/strings.hpp"
#include "hardware/calibration/calibrate.hpp"
#include "hardware/catalogue.hpp"
#include "policies/engine/engine_preset.hpp"
#include "tools/bench/host_device.hpp"
#include "tools/calibration/engine_fit.hpp"
#include "tools/calibration/importers.hpp"
#include "tools/calibration/serving_log.hpp"
#include "tools/commands/commands.hpp"
#include "tools/typed_options.hpp"

namespace llmsim::tools {
namespace {

struct CalibrateArgs {
    std::vector<std::string> measurements;
    std::string import_vidur;
    std::string vidur_device;
    std::string vidur_network;
    std::vector<std::string> import_attention;
    std::string import_fractions;
    std::string fractions_device;
    std::string base;
    std::string transfer_from;
    std::string out;
    std::string report;
    std::string export_measurements;
    std::string predictions;
    double holdout_fraction = 0.0;
    std::vector<std::string> holdout_tags;
    std::string source;
    std::string record_command = "llmsim calibrate";
    bool quiet = false;
    // Engine calibration from serving measurements.
    std::string serving_log;
    std::string engine = policies::kDefaultEngine;
    std::string hardware;
    std::vector<std::string> fit;
    std::vector<std::string> model_map;
    int32_t max_rounds = 12;
    std::string id;
};

void run_engine_calibration(const CalibrateArgs& a) {
    if (a.hardware.empty()) throw UsageError("--hardware", "required with --serving-log (the device of the runs)");
    (void)hardware::resolve_device(a.hardware, "--hardware");
    std::map<std::string, std::string> models;
    for (const auto& m : a.model_map) {
        const size_t eq = m.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == m.size()) {
            throw UsageError("--model-map",
                             "expected NAME=ID (e.g. meta-llama/Llama-2-7b-hf=llama-2-7b), got '" + m + "'");
        }
        models[m.substr(0, eq)] = m.substr(eq + 1);
    }
    const auto experiments = read_serving_log(a.serving_log, models);
    const policies::EnginePreset base = policies::resolve_engine(a.engine, "--engine");
    EngineFitOptions opt;
    opt.hardware = a.hardware;
    if (!a.fit.empty()) opt.params = a.fit;
    opt.max_rounds = a.max_rounds;
    EngineFitReport report = fit_engine(base, experiments, opt);
    report.fitted.id = a.id.empty() ? base.id + "-calibrated" : a.id;
    report.fitted.aliases.clear();
    const std::string fitted_by = join(opt.params, ", ") + " fitted by llmsim calibrate --serving-log " +
                                  a.serving_log + " --hardware " + a.hardware + " (" +
                                  std::to_string(experiments.size()) + " experiments)";
    report.fitted.source = base.source + "; " + fitted_by;
    report.fitted.host.source = base.host.source + "; " + fitted_by;
    report.fitted.front_end_source =
        (base.front_end_source.empty() ? base.source : base.front_end_source) + "; " + fitted_by;
    std::string md = engine_fit_report_markdown(report, a.serving_log);
    for (const auto& e : experiments) {
        if (!e.replay_note.empty()) md += "\n- " + e.name + ": " + e.replay_note;
    }
    md += "\n";
    if (!a.quiet) std::cout << md;
    if (!a.report.empty()) write_file_atomic(a.report, md, "--report");
    if (!a.out.empty())
        write_file_atomic(a.out, policies::engine_preset_to_json(report.fitted).dump(2) + "\n", "--out");
}

void run_calibrate(const CalibrateArgs& a, const std::string& command_line) {
    // Outputs are checked before the (long) fit: a device or directory given as one fails now, not at the end.
    for (const auto& [path, flag] :
         {std::pair{a.out, "--out"}, std::pair{a.report, "--report"}, std::pair{a.predictions, "--predictions"},
          std::pair{a.export_measurements, "--export-measurements"}}) {
        if (!path.empty()) check_output_file(path, flag);
    }
    if (!a.serving_log.empty()) {
        run_engine_calibration(a);
        return;
    }
    if (a.base.empty()) throw UsageError("--base", "required (or --serving-log to calibrate an engine)");
    if (a.holdout_fraction < 0 || a.holdout_fraction >= 1) {
        throw UsageError("--holdout-fraction", "must be in [0, 1), got " + std::to_string(a.holdout_fraction));
    }
    // "host": the built-in host base (hardware/base/host.json) for profiles measured with `llmsim bench kernels`.
    const hardware::DeviceSpec base = bench::names_host_device(a.base, "--base")
                                          ? bench::host_device_spec()
                                          : hardware::resolve_device(a.base, "--base");
    std::vector<hardware::Measurement> rows;
    for (const auto& f : a.measurements) {
        auto r = hardware::read_measurements_csv(f);
        rows.insert(rows.end(), r.begin(), r.end());
    }
    if (!a.import_vidur.empty()) {
        if (a.vidur_device.empty())
            throw UsageError("--vidur-device", "required with --import-vidur (e.g. a100, h100)");
        auto r = import_vidur_dir(a.import_vidur, a.vidur_device, a.vidur_network);
        rows.insert(rows.end(), r.begin(), r.end());
    }
    for (const auto& f : a.import_attention) {
        auto r = import_attention_samples(f, a.vidur_device.empty() ? base.id : a.vidur_device, "llama-2-7b");
        rows.insert(rows.end(), r.begin(), r.end());
    }
    if (!a.import_fractions.empty()) {
        auto r =
            import_achievable_fractions(a.import_fractions, a.fractions_device.empty() ? base.id : a.fractions_device);
        rows.insert(rows.end(), r.begin(), r.end());
    }
    if (rows.empty() && a.transfer_from.empty()) {
        throw UsageError("--measurements",
                         "no measurements given (use --measurements, --import-vidur, "
                         "--import-attention, --import-fractions or --transfer-from)");
    }
    if (!a.export_measurements.empty())
        write_file_atomic(a.export_measurements, hardware::measurements_to_csv(rows), "--export-measurements");
    hardware::CalibrationOptions opt;
    opt.holdout_fraction = a.holdout_fraction;
    opt.holdout_tags = a.holdout_tags;
    if (!a.transfer_from.empty()) opt.transfer_from = hardware::resolve_device(a.transfer_from, "--transfer-from");
    opt.source = a.source;
    if (opt.source.empty()) {
        // Default provenance: the inputs, so a profile always says what it was fitted on.
        std::vector<std::string> inputs = a.measurements;
        if (!a.import_vidur.empty()) inputs.push_back(a.import_vidur + " (" + a.vidur_device + ")");
        inputs.insert(inputs.end(), a.import_attention.begin(), a.import_attention.end());
        if (!a.import_fractions.empty()) inputs.push_back(a.import_fractions);
        if (!a.transfer_from.empty()) inputs.push_back("transferred from " + a.transfer_from);
        for (const auto& in : inputs)
            opt.source += (opt.source.empty() ? "" : ", ") + in;
    }
    opt.command = command_line;
    const auto result = hardware::calibrate(base, rows, opt);
    const std::string md = hardware::calibration_report_markdown(result);
    if (!a.quiet) std::cout << md;
    if (!a.report.empty()) write_file_atomic(a.report, md, "--report");
    if (!a.predictions.empty()) {
        std::string csv =
            "op_class,op_name,tag,dtype,m,n,k,batch,tokens,context,group_size,gpus_per_node,flops,bytes,"
            "measured_ns,predicted_ns,error\n";
        for (const auto& r : rows) {
            const double p = hardware::predict_measurement_ns(result.device, r);
            csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{:.6g},{:.6g},{:.1f},{:.1f},{:.4f}\n",
                               op_class_name(r.op_class), r.op_name, r.tag, dtype_name(r.dtype), r.m, r.n, r.k, r.batch,
                               r.tokens, r.context, r.group_size, r.gpus_per_node, r.flops, r.bytes, r.time_ns_median,
                               p, (p - r.time_ns_median) / r.time_ns_median);
        }
        write_file_atomic(a.predictions, csv, "--predictions");
    }
    if (!a.out.empty()) write_file_atomic(a.out, hardware::device_to_json(result.device).dump(2) + "\n", "--out");
}

}  // namespace

void add_calibrate_command(CLI::App& root) {
    auto args = std::make_shared<CalibrateArgs>();
    CLI::App* cmd = root.add_subcommand("calibrate",
                                        "fit a hardware profile (efficiency curves, overheads, "
                                        "collectives) to kernel measurements");
    cmd->add_option("--measurements", args->measurements, "measurement CSV (llmsim bench kernels schema); repeatable");
    cmd->add_option("--import-vidur", args->import_vidur,
                    "directory of vidur profiles (compute/<dev>/<model>/mlp.csv, network/<node>/*.csv)");
    cmd->add_option("--vidur-device", args->vidur_device, "device folder under compute/ (e.g. a100, h100)");
    cmd->add_option("--vidur-network", args->vidur_network,
                    "node folder under network/ (e.g. a100_dgx, a100_pairwise_nvlink)");
    cmd->add_option("--import-attention", args->import_attention, "attention samples CSV (Llama-2-7B TP1); repeatable");
    cmd->add_option("--import-fractions", args->import_fractions,
                    "published achievable-fractions CSV (gpu,test,size,value,unit)");
    cmd->add_option("--fractions-device", args->fractions_device,
                    "device id of the rows to use from --import-fractions (default: --base id)");
    cmd->add_option(
        "--base", args->base,
        "base device supplying datasheet peaks: preset id, profile JSON, or host (this machine's generic base; the old "
        "spelling cpu still works, with a warning)");
    cmd->add_option("--transfer-from", args->transfer_from,
                    "calibrated profile whose curves fill classes without enough measurements");
    cmd->add_option("--out", args->out, "write the calibrated profile JSON here")->check(non_empty_path());
    cmd->add_option("--report", args->report, "write the fit report (markdown) here")->check(non_empty_path());
    cmd->add_option("--export-measurements", args->export_measurements,
                    "write all imported rows as one measurement CSV")
        ->check(non_empty_path());
    cmd->add_option("--predictions", args->predictions, "write every row with its predicted time and error (CSV)")
        ->check(non_empty_path());
    add_real_option(*cmd, "--holdout-fraction", args->holdout_fraction,
                    "fraction of rows held out of the fit and reported separately", {0.0, 0.99});
    cmd->add_option("--holdout-tag", args->holdout_tags,
                    "hold out rows with this tag (e.g. a model folder); repeatable");
    cmd->add_option("--source", args->source, "provenance text recorded in the profile");
    cmd->add_option("--record-command", args->record_command, "command text recorded in the profile's provenance");
    cmd->add_flag("--quiet", args->quiet, "do not print the report");
    cmd->add_option("--serving-log", args->serving_log,
                    "calibrate an engine instead: measured serving runs (inference-perf summary rows, see "
                    "docs/engines.md); replays each and fits the engine's host and front-end parameters");
    cmd->add_option("--engine", args->engine, "with --serving-log: the engine preset to start from (default vllm)");
    cmd->add_option("--hardware", args->hardware, "with --serving-log: the device the runs used");
    cmd->add_option("--fit", args->fit,
                    "with --serving-log: parameters to fit (default host.per_step_us, host.per_seq_us, "
                    "front_end.ingress_us)")
        ->delimiter(',');
    cmd->add_option("--model-map", args->model_map,
                    "with --serving-log: NAME=ID for the log's model names; repeatable");
    add_int_option(*cmd, "--max-rounds", args->max_rounds, "with --serving-log: coordinate-search rounds per fit",
                   {1, 100});
    cmd->add_option("--id", args->id, "with --serving-log: id of the fitted preset (default ENGINE-calibrated)");
    cmd->callback([args, &root]() {
        (void)root;
        run_calibrate(*args, args->record_command);
    });
}

}  // namespace llmsim::tools
