#include "hardware/calibration/measurement.hpp"

#include <fmt/format.h>

#include "common/csv.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"

namespace llmsim::hardware {
namespace {

constexpr const char* kColumns[] = {
    "device",         "backend",     "op_class",   "op_name",       "dtype", "m",     "n",    "k",       "batch",
    "tokens",         "context",     "group_size", "gpus_per_node", "flops", "bytes", "rows", "threads", "repeats",
    "time_ns_median", "time_ns_min", "tag"};

}  // namespace

std::vector<Measurement> read_measurements_csv(const std::string& path) {
    CsvReader csv(path);
    // Required columns: the rest default to 0/empty so hand-written files stay short.
    const size_t c_class = csv.require_column("op_class");
    const size_t c_dtype = csv.require_column("dtype");
    const size_t c_flops = csv.require_column("flops");
    const size_t c_bytes = csv.require_column("bytes");
    const size_t c_median = csv.require_column("time_ns_median");
    auto opt = [&](const char* name) { return csv.column(name); };
    const auto c_device = opt("device"), c_backend = opt("backend"), c_name = opt("op_name"), c_m = opt("m"),
               c_n = opt("n"), c_k = opt("k"), c_batch = opt("batch"), c_tokens = opt("tokens"),
               c_context = opt("context"), c_group = opt("group_size"), c_gpn = opt("gpus_per_node"),
               c_rows = opt("rows"), c_threads = opt("threads"), c_repeats = opt("repeats"), c_min = opt("time_ns_min"),
               c_tag = opt("tag");
    std::vector<Measurement> out;
    std::vector<std::string> class_names;
    for (OpClass c : kAllOpClasses)
        class_names.emplace_back(op_class_name(c));
    while (csv.next()) {
        Measurement r;
        const std::string cls(csv.field(c_class));
        auto parsed = op_class_from_name(cls);
        if (!parsed) throw InputError(csv.where("op_class"), unknown_name_message("op class", cls, class_names));
        r.op_class = *parsed;
        r.dtype = parse_dtype(csv.field(c_dtype), csv.where("dtype"));
        r.flops = csv.get_nonneg_double(c_flops);
        r.bytes = csv.get_nonneg_double(c_bytes);
        r.time_ns_median = csv.get_positive_double(c_median);
        r.time_ns_min = c_min ? csv.get_positive_double(*c_min) : r.time_ns_median;
        if (c_device) r.device = std::string(csv.field(*c_device));
        if (c_backend) r.backend = std::string(csv.field(*c_backend));
        if (c_name) r.op_name = std::string(csv.field(*c_name));
        if (c_tag) r.tag = std::string(csv.field(*c_tag));
        if (c_m) r.m = csv.get_nonneg_int(*c_m);
        if (c_n) r.n = csv.get_nonneg_int(*c_n);
        if (c_k) r.k = csv.get_nonneg_int(*c_k);
        if (c_batch) r.batch = csv.get_nonneg_int(*c_batch);
        if (c_tokens) r.tokens = csv.get_nonneg_int(*c_tokens);
        if (c_context) r.context = csv.get_nonneg_int(*c_context);
        if (c_group) r.group_size = static_cast<int32_t>(csv.get_nonneg_int(*c_group));
        if (c_gpn) r.gpus_per_node = static_cast<int32_t>(csv.get_nonneg_int(*c_gpn));
        if (c_rows) {
            r.rows = csv.get_positive_double(*c_rows);
        }
        if (c_threads) r.threads = static_cast<int32_t>(csv.get_nonneg_int(*c_threads));
        if (c_repeats) r.repeats = static_cast<int32_t>(csv.get_nonneg_int(*c_repeats));
        if (r.op_class == OpClass::collective && r.group_size < 2) {
            throw InputError(csv.where("group_size"), "collective rows need group_size >= 2");
        }
        if (r.op_class != OpClass::collective && r.flops == 0 && r.bytes == 0) {
            throw InputError(csv.where("flops"), "row has neither flops nor bytes (expected work > 0)");
        }
        out.push_back(std::move(r));
    }
    if (out.empty()) throw InputError(path, "no measurement rows (expected a header and at least one row)");
    return out;
}

std::string measurements_to_csv(const std::vector<Measurement>& rows) {
    std::string out;
    for (size_t i = 0; i < std::size(kColumns); ++i) {
        if (i > 0) out += ',';
        out += kColumns[i];
    }
    out += "\n";
    for (const auto& r : rows) {
        out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{:.6g},{:.6g},{:.6g},{},{},{:.1f},{:.1f},{}\n",
                           r.device, r.backend, op_class_name(r.op_class), r.op_name, dtype_name(r.dtype), r.m, r.n,
                           r.k, r.batch, r.tokens, r.context, r.group_size, r.gpus_per_node, r.flops, r.bytes, r.rows,
                           r.threads, r.repeats, r.time_ns_median, r.time_ns_min, r.tag);
    }
    return out;
}

}  // namespace llmsim::hardware
