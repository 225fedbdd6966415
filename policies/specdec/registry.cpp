// The explicit table of speculative-decoding drafters: add one by adding its file and one row here. Default
// acceptance rates are assumptions for a chat workload, not measurements: pass alpha for the pair you model.
#include <cmath>

#include "common/strings.hpp"
#include "policies/specdec/specdec.hpp"

namespace llmsim::policies {
namespace {

std::vector<ParamInfo> with_tree(std::vector<ParamInfo> params) {
    params.push_back(tree_param());
    return params;
}

std::vector<ParamInfo> with_adaptive(std::vector<ParamInfo> params) {
    params.push_back({"adaptive", "on", "on: the draft length follows the target/drafter speed ratio (at most gamma)"});
    return params;
}

// Whether `key` was written in the spec text (parsed specs carry every default, so they cannot say).
bool given(const std::string& text, const std::string& key) {
    const size_t colon = text.find(':');
    if (colon == std::string::npos) return false;
    for (const auto& item : split(std::string_view(text).substr(colon + 1), ',')) {
        const std::string_view t = trim(item);
        if (t.substr(0, t.find('=')) == key) return true;
    }
    return false;
}

std::vector<int32_t> parse_tree(const PolicySpec& spec, const std::string& where) {
    const std::string& text = spec.text("tree");
    if (text == "chain") return {};
    std::vector<int32_t> tree;
    int64_t width = 1;
    int64_t nodes = 0;
    for (const auto& part : split(text, '-')) {
        const auto b = parse_int(trim(part));
        if (!b || *b < 1 || *b > 64) {
            throw UsageError(where, spec.name() + ": bad tree '" + text +
                                        "' (expected candidates per depth in [1, 64] joined by '-', e.g. 4-2-2-1)");
        }
        tree.push_back(static_cast<int32_t>(*b));
        width *= *b;
        nodes += width;
        if (tree.size() > 64 || nodes > 1024) {
            throw UsageError(
                where, spec.name() + ": bad tree '" + text + "' (at most 64 levels and 1024 draft tokens per verify)");
        }
    }
    return tree;
}

std::vector<std::pair<int32_t, int32_t>> parse_batch_gamma(const PolicySpec& spec, const std::string& where) {
    const std::string& text = spec.text("batch_gamma");
    std::vector<std::pair<int32_t, int32_t>> out;
    if (text == "off") return out;
    for (const auto& part : split(text, '/')) {
        const std::string_view p = trim(part);
        const size_t colon = p.find(':');
        const auto above = colon == std::string_view::npos ? std::nullopt : parse_int(p.substr(0, colon));
        const auto gamma = colon == std::string_view::npos ? std::nullopt : parse_int(p.substr(colon + 1));
        if (!above || !gamma || *above < 0 || *gamma < 0 || *gamma > 64 ||
            (!out.empty() && *above <= out.back().first)) {
            throw UsageError(where, spec.name() + ": bad batch_gamma '" + text +
                                        "' (expected ABOVE:GAMMA pairs joined by '/', ABOVE increasing, GAMMA in "
                                        "[0, 64], e.g. 8:3/32:1)");
        }
        out.emplace_back(static_cast<int32_t>(*above), static_cast<int32_t>(*gamma));
    }
    return out;
}

void check_spread(const PolicySpec& spec, double spread, double mean, const std::string& key,
                  const std::string& where) {
    if (spread > 0 && spread * spread >= mean * (1 - mean)) {
        throw UsageError(where, spec.name() + ": bad alpha_spread '" + spec.text("alpha_spread") +
                                    "' (a Beta with mean " + key + " = " + spec.text(key) +
                                    " needs a standard deviation below sqrt(mean * (1 - mean)) = " +
                                    std::to_string(std::sqrt(mean * (1 - mean))) + ")");
    }
}

}  // namespace

const Registry<SpecDecodeInfo>& spec_decode_registry() {
    static const Registry<SpecDecodeInfo> registry(
        "speculative decoding drafter",
        {
            {"draft",
             "a separate draft model on the same GPUs (its weights and KV take memory)",
             make_draft_model_drafter,
             with_draft_model(acceptance_params("gamma", "4", "0.8")),
             {}},
            {"adaptive",
             "a draft model whose draft length each step maximises expected tokens per second (at most gamma)",
             make_adaptive_drafter,
             with_draft_model(acceptance_params("gamma", "8", "0.8")),
             {}},
            {"eagle",
             "EAGLE feature-level drafter: one layer at the target's hidden size per draft level, chain or tree",
             make_eagle_drafter,
             with_tree(acceptance_params("gamma", "5", "0.75")),
             {}},
            {"medusa",
             "Medusa decoding heads: one pass of K heads (resblock + LM head) per step, chain or tree of top-k",
             make_medusa_drafter,
             with_tree(acceptance_params("heads", "4", "0.6", "0.8")),
             {}},
            {"mtp",
             "DeepSeek-style multi-token prediction modules, one target layer per draft token (depth)",
             make_mtp_drafter,
             acceptance_params("depth", "1", "0.9"),
             {}},
            {"ngram",
             "prompt lookup: drafts copied from the context, no model and no drafting cost",
             make_ngram_drafter,
             acceptance_params("gamma", "4", "0.5"),
             {}},
            {"pearl",
             "PEARL parallel drafting: a draft model on its own device drafts while the target verifies",
             make_pearl_drafter,
             with_adaptive(with_draft_model(acceptance_params("gamma", "8", "0.8"))),
             {}},
        });
    return registry;
}

SpecDecodeSetup make_spec_decode(const std::string& text, const sim::ForwardCost& target, uint64_t seed,
                                 const std::string& where) {
    const auto& reg = spec_decode_registry();
    const PolicySpec spec = reg.parse(text, where);
    const SpecDecodeInfo& info = reg.get(spec.name(), where);
    const auto& p = spec.params();
    SpecDecodeSetup out;
    sim::SpecDecodeConfig& c = out.config;
    const std::string length = p.count("depth") > 0 ? "depth" : p.count("heads") > 0 ? "heads" : "gamma";
    c.gamma = static_cast<int32_t>(spec.integer(length, 1, 64));
    if (p.count("tree") > 0) {
        c.tree = parse_tree(spec, where);
        if (!c.tree.empty()) {
            const auto depth = static_cast<int32_t>(c.tree.size());
            if (given(text, length) && c.gamma != depth) {
                throw UsageError(where, spec.name() + ": " + length + " '" + spec.text(length) +
                                            "' differs from the depth " + std::to_string(depth) + " of tree '" +
                                            spec.text("tree") + "'");
            }
            c.gamma = depth;
        }
    }
    c.alpha = spec.number("alpha", 0, 1);
    c.alpha_spread = spec.number("alpha_spread", 0, 0.5);
    c.decay = spec.number("decay", 1e-6, 1);
    check_spread(spec, c.alpha_spread, c.alpha, "alpha", where);
    if (spec.text("alpha_to") != "off") {
        c.alpha_to = spec.number("alpha_to", 0, 1);
        check_spread(spec, c.alpha_spread, c.alpha_to, "alpha_to", where);
        const std::string& ramp = spec.text("ramp");
        if (!ramp.empty() && ramp.back() == 's') {
            const auto s = parse_double(std::string_view(ramp).substr(0, ramp.size() - 1));
            if (!s || *s <= 0 || *s > 1e9) {
                throw UsageError(where, spec.name() + ": bad ramp '" + ramp + "' (expected seconds > 0, e.g. 60s)");
            }
            c.ramp_s = *s;
        } else {
            c.ramp_requests = spec.integer("ramp", 1, int64_t{1} << 32);
        }
    } else if (given(text, "ramp")) {
        throw UsageError(where,
                         spec.name() + ": ramp '" + spec.text("ramp") + "' needs alpha_to (the online ramp's end)");
    }
    c.max_batch = static_cast<int32_t>(spec.integer("max_batch", 0, 1 << 20));
    c.batch_gamma = parse_batch_gamma(spec, where);
    c.seed = seed;
    out.drafter = info.factory(spec, target, where);
    c.overlap = out.drafter.overlap;
    c.adaptive = out.drafter.adaptive;
    return out;
}

}  // namespace llmsim::policies
