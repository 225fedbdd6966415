// `import llmsim`: the simulator from Python. Each function takes the settings a command's --config file or flags
// take and returns what the command's --json prints, through the same library functions the CLI calls
// (tools/serving_run.hpp, tools/commands/json_api.hpp); this file only converts values and releases the GIL.
#include <pybind11/pybind11.h>

#include <cmath>
#include <string>

#include "common/error.hpp"
#include "python/python_json.hpp"
#include "sim/serving/request_table.hpp"
#include "tools/commands/json_api.hpp"
#include "tools/run_config.hpp"
#include "tools/serving_run.hpp"

namespace py = pybind11;

namespace llmsim::python {
namespace {

// Settings as a --config file has them, named "config" in messages ("config#/tp: ..."); keyword arguments override
// the dict's keys as flags override a config file.
constexpr const char* kWhere = "config#";

Json settings_from(const py::object& config, const py::kwargs& overrides) {
    Json settings = config.is_none() ? Json::object() : json_from_python(config, kWhere);
    if (!settings.is_object()) {
        throw InputError("config", "expected a dict of settings, got " + py::repr(config).cast<std::string>());
    }
    for (const auto& [key, value] : overrides) {
        const std::string k = key.cast<std::string>();
        settings[k] = json_from_python(value, std::string(kWhere) + "/" + k);
    }
    return settings;
}

// The CLI prints these on stderr; so does the module (a notebook shows them under the cell).
void print_notes(const std::vector<std::string>& notes) {
    if (notes.empty()) return;
    py::object write = py::module_::import("sys").attr("stderr").attr("write");
    for (const auto& note : notes)
        write("llmsim: " + note + "\n");
}

tools::ServingRunResult serve(const Json& settings) {
    tools::RunConfig cfg;
    cfg.resolve_from_json(settings, kWhere);
    if (cfg.flag("json")) {
        throw UsageError(cfg.where("json"), "is the CLI's output switch; llmsim.run always returns the summary dict");
    }
    py::gil_scoped_release unlocked;  // the simulation touches no Python object
    return tools::run_serving(cfg);
}

py::object run(const py::object& config, const py::kwargs& overrides) {
    const Json settings = settings_from(config, overrides);
    const tools::ServingRunResult r = serve(settings);
    print_notes(r.outcome.notes);
    return python_from_json(r.summary);
}

py::object run_requests(const py::object& config, const py::object& as_frame, const py::kwargs& overrides) {
    if (!py::isinstance<py::bool_>(as_frame)) {
        throw InputError("as_frame", "expected True or False, got " + py::repr(as_frame).cast<std::string>());
    }
    const Json settings = settings_from(config, overrides);
    const tools::ServingRunResult r = serve(settings);
    print_notes(r.outcome.notes);
    const sim::RequestTable table =
        sim::request_table(r.outcome.run.requests, !r.outcome.setup.cluster.spec_decode.empty());
    py::dict columns;
    for (const auto& c : table.columns) {
        py::list values(table.rows);
        for (size_t i = 0; i < table.rows; ++i) {
            switch (c.kind) {
                case sim::ColumnKind::integer:
                    values[i] = py::int_(c.integers[i]);
                    break;
                case sim::ColumnKind::number:
                    values[i] = std::isnan(c.numbers[i]) ? py::object(py::none()) : py::float_(c.numbers[i]);
                    break;
                case sim::ColumnKind::text:
                    values[i] = py::str(c.texts[i].data(), c.texts[i].size());
                    break;
            }
        }
        columns[py::str(c.name)] = values;
    }
    if (!as_frame.cast<bool>()) return columns;
    return py::module_::import("pandas").attr("DataFrame")(columns);  // ImportError without pandas
}

template <OrderedJson (*command)(const Json&, const std::string&)>
py::object json_command(const py::object& settings, const py::kwargs& overrides) {
    const Json s = settings_from(settings, overrides);
    OrderedJson result;
    {
        py::gil_scoped_release unlocked;
        result = command(s, kWhere);
    }
    return python_from_json(result);
}

py::object list_rows(const py::object& kind) {
    if (!py::isinstance<py::str>(kind)) {
        throw InputError("kind", "expected a string such as 'models', got " + py::repr(kind).cast<std::string>());
    }
    return python_from_json(tools::list_json(kind.cast<std::string>()));
}

}  // namespace
}  // namespace llmsim::python

PYBIND11_MODULE(llmsim, m) {
    using namespace llmsim::python;
    m.doc() =
        "llmsim: discrete-event performance simulator and capacity planner for LLM serving and training.\n"
        "Each function takes the settings of the matching command (the keys of `llmsim run --config`, or the flag\n"
        "names of `llmsim cost` / `llmsim train`, '_' or '-') as a dict and/or keyword arguments, and returns\n"
        "what the command prints with --json. Bad settings raise ValueError with the CLI's one-line message.";
    m.attr("__version__") = "0.1.0";

    // Bad input (exit 2 on the command line) is a ValueError; a broken invariant (exit 1) a RuntimeError.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const llmsim::Error& e) {
            if (e.kind() == llmsim::ErrorKind::internal) {
                PyErr_SetString(PyExc_RuntimeError, e.what());
            } else {
                PyErr_SetString(PyExc_ValueError, e.what());
            }
        }
    });

    m.def("run", &run, py::arg("config") = py::none(),
          "run(config=None, **settings) -> dict\n\n"
          "Simulates serving, as `llmsim run --config FILE --json`: returns the same summary dict. `config` has the\n"
          "keys of a --config file; keyword arguments override them (as flags override the file). With `out` it\n"
          "also writes summary.json, requests.csv and config.resolved.json there.");
    m.def("run_requests", &run_requests, py::arg("config") = py::none(), py::kw_only(),
          py::arg("as_frame") = py::bool_(false),
          "run_requests(config=None, *, as_frame=False, **settings) -> dict of lists | pandas.DataFrame\n\n"
          "Simulates serving as run() does and returns one entry per request, as the columns of requests.csv\n"
          "(full precision; None where a request has no value, e.g. TTFT of a rejected one). as_frame=True\n"
          "returns a pandas.DataFrame instead (needs pandas; None becomes NaN).");
    m.def("cost", &json_command<llmsim::tools::cost_json>, py::arg("settings") = py::none(),
          "cost(settings=None, **settings) -> dict\n\n"
          "One forward pass op by op, as `llmsim cost ... --json` (keys: its flag names, e.g. model, hardware,\n"
          "prefill_tokens, decode_batch, context_tokens, tp).");
    m.def("train", &json_command<llmsim::tools::train_json>, py::arg("settings") = py::none(),
          "train(settings=None, **settings) -> dict\n\n"
          "One training step (or search=True: ranked layouts), as `llmsim train ... --json` (keys: its flag names,\n"
          "e.g. model, hardware, gpus, tp, pp, global_batch, seq_len, recompute).");
    m.def("list", &list_rows, py::arg("kind"),
          "list(kind) -> list of dict\n\n"
          "The rows of `llmsim list KIND --json`: models | hardware | engines | schedulers | routers | preemption |\n"
          "spec-decode | traces | overheads.");
}
