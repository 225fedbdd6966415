#include "sim/training/training_config.hpp"

#include "common/error.hpp"
#include "common/nearest.hpp"
#include "common/strings.hpp"

namespace llmsim::sim {

OverlapOptions parse_overlap(const std::string& text, const std::string& where) {
    if (text == "default") return OverlapOptions{};
    OverlapOptions o{false, false, false, false, false, false, false, false};
    if (text == "none" || text.empty()) return o;
    for (auto part : split(text, ',')) {
        const std::string item(trim(part));
        if (item == "dp")
            o.dp = true;
        else if (item == "zero")
            o.zero = true;
        else if (item == "tp")
            o.tp = true;
        else if (item == "tp-bwd")
            o.tp_bwd = true;
        else if (item == "cp")
            o.cp = true;
        else if (item == "ep")
            o.ep = true;
        else if (item == "pp")
            o.pp = true;
        else if (item == "dp-chunks")
            o.dp_chunks = true;
        else {
            throw UsageError(where, unknown_name_message("overlap item", item,
                                                         {"none", "default", "dp", "zero", "tp", "tp-bwd", "cp", "ep",
                                                          "pp", "dp-chunks"}));
        }
    }
    return o;
}

std::string overlap_to_string(const OverlapOptions& o) {
    std::string s;
    auto add = [&](bool on, const char* name) {
        if (!on) return;
        if (!s.empty()) s += ",";
        s += name;
    };
    add(o.dp, "dp");
    add(o.zero, "zero");
    add(o.tp, "tp");
    add(o.tp_bwd && !o.tp, "tp-bwd");
    add(o.cp, "cp");
    add(o.ep, "ep");
    add(o.pp, "pp");
    add(o.dp_chunks, "dp-chunks");
    return s.empty() ? "none" : s;
}

}  // namespace llmsim::sim
