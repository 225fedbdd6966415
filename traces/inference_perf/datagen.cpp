// Data generator facts (inference-perf datagen/*.py and apis/user_session.py, read at the commit named in
// docs/workloads.md):
//  * Requests take data index i = 0, 1, 2, ... in send order across all stages.
//  * shared_prefix builds num_groups x num_prompts_per_group prompts group by group: one random system prompt of
//    system_prompt_len tokens per group, one random question of question_len tokens per prompt, output_len tokens
//    asked (max_tokens, ignore_eos). Single turn: prompt = system prompt + question; the prompt list is shuffled once
//    and request i sends prompt i mod N (N = groups x prompts per group).
//  * enable_multi_turn_chat: one user session per prompt, whose context starts as its group's system prompt; the
//    session list is shuffled, the question list is not. Request i belongs to user i mod N (round i div N) and sends
//    context + question (i mod N); after the answer the context becomes that whole prompt + the answer. So round r
//    of a user is: system prompt, then (question, answer) r times, then the question again. A session holds a lock
//    while a request is in flight: the next round is sent only after the previous answer arrived.
//  * random (and synthetic): total_count lengths drawn per distribution (normal(mean, std_dev), clipped to
//    [min, max], rounded half to even); request i uses entry i mod total_count. Prompts are random tokens (no
//    shared content).
//  * shareGPT: conversations in dataset order; first human turn is the prompt, the first reply's token count the
//    output; input/output_distribution min/max filter conversations out. llmsim ships no dataset, so lengths come
//    from its built-in ShareGPT length statistics (builtin:sharegpt) with the same filter.
#include "traces/inference_perf/datagen.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "common/error.hpp"
#include "traces/builtin_workloads.hpp"

namespace llmsim::traces::inference_perf {
namespace {

constexpr int64_t max_segments = 50'000'000;  // ~800 MB of PromptSegment; multi-turn histories grow quadratically
constexpr int64_t max_prompt_tokens = std::numeric_limits<int32_t>::max();

std::vector<int32_t> draw_lengths(const IoDistribution& d, Rng& rng) {
    std::vector<int32_t> out(static_cast<size_t>(*d.total_count));
    const auto lo = static_cast<double>(d.min);
    const auto hi = static_cast<double>(d.max);
    for (auto& v : out) {
        // numpy's round is half-to-even, as nearbyint in the default rounding mode.
        const double x = std::nearbyint(std::clamp(d.mean + d.std_dev * rng.normal(), lo, hi));
        v = static_cast<int32_t>(std::clamp(x, lo, hi));
    }
    return out;
}

// Fisher-Yates, as random.shuffle.
std::vector<int64_t> shuffled(int64_t n, Rng& rng) {
    std::vector<int64_t> p(static_cast<size_t>(n));
    std::iota(p.begin(), p.end(), 0);
    for (int64_t i = n - 1; i > 0; --i) {
        const auto j = static_cast<int64_t>(rng.uniform_int(static_cast<uint64_t>(i + 1)));
        std::swap(p[static_cast<size_t>(i)], p[static_cast<size_t>(j)]);
    }
    return p;
}

RequestSpec base_request(const ScheduledRequest& s) {
    RequestSpec r;
    r.arrival_ns = s.time_ns;
    r.stage = s.stage;
    return r;
}

void add_segments(Workload& w, RequestSpec& r, const std::vector<PromptSegment>& segments) {
    r.segment_offset = static_cast<uint32_t>(w.segments.size());
    r.segment_count = static_cast<uint32_t>(segments.size());
    w.segments.insert(w.segments.end(), segments.begin(), segments.end());
}

void shared_prefix(const SharedPrefixConfig& c, const std::vector<ScheduledRequest>& schedule, Rng& rng, Workload& w) {
    const int64_t n_prompts = c.num_groups * c.num_prompts_per_group;
    const auto system_id = [&](int64_t group) { return static_cast<uint64_t>(1 + group); };
    const auto question_id = [&](int64_t prompt) { return static_cast<uint64_t>(1 + c.num_groups + prompt); };
    const uint64_t first_output_id = static_cast<uint64_t>(1 + c.num_groups + n_prompts);
    const auto system_tokens = static_cast<int32_t>(c.system_prompt_len);
    const auto question_tokens = static_cast<int32_t>(c.question_len);
    const auto n = static_cast<int64_t>(schedule.size());
    // Single turn shuffles the prompts; multi-turn shuffles the sessions (whose group gives the system prompt).
    const std::vector<int64_t> order = shuffled(n_prompts, rng);

    int64_t total_segments = 0;
    for (int64_t i = 0; i < n; ++i)
        total_segments += c.enable_multi_turn_chat ? 2 * (i / n_prompts) + 2 : 2;
    if (total_segments > max_segments) {
        throw InputError(c.where, "multi-turn histories need " + std::to_string(total_segments) +
                                      " prompt segments for " + std::to_string(n) + " requests over " +
                                      std::to_string(n_prompts) + " users (expected at most " +
                                      std::to_string(max_segments) + "; more users or fewer requests)");
    }
    w.segments.reserve(static_cast<size_t>(total_segments));

    std::vector<std::vector<PromptSegment>> history(c.enable_multi_turn_chat ? static_cast<size_t>(n_prompts) : 0);
    std::vector<int64_t> history_tokens(history.size(), 0);
    std::vector<PromptSegment> segments;
    for (int64_t i = 0; i < n; ++i) {
        RequestSpec r = base_request(schedule[static_cast<size_t>(i)]);
        r.output_tokens = static_cast<int32_t>(c.output_len);
        const int64_t slot = i % n_prompts;
        segments.clear();
        if (!c.enable_multi_turn_chat) {
            const int64_t prompt = order[static_cast<size_t>(slot)];
            if (system_tokens > 0) segments.push_back({system_id(prompt / c.num_prompts_per_group), system_tokens});
            segments.push_back({question_id(prompt), question_tokens});
            r.prompt_tokens = system_tokens + question_tokens;
        } else {
            auto& past = history[static_cast<size_t>(slot)];
            auto& past_tokens = history_tokens[static_cast<size_t>(slot)];
            if (i >= n_prompts) {
                r.after = static_cast<int32_t>(i - n_prompts);  // index in send order; remapped after sorting
            } else if (system_tokens > 0) {
                const int64_t group = order[static_cast<size_t>(slot)] / c.num_prompts_per_group;
                past.push_back({system_id(group), system_tokens});
                past_tokens = system_tokens;
            }
            segments = past;
            segments.push_back({question_id(slot), question_tokens});
            const int64_t prompt_tokens = past_tokens + question_tokens;
            if (prompt_tokens > max_prompt_tokens) {
                throw InputError(c.where, "multi-turn prompts reach " + std::to_string(prompt_tokens) +
                                              " tokens by round " + std::to_string(i / n_prompts) +
                                              " (expected at most 2^31-1; more users or fewer requests)");
            }
            r.prompt_tokens = static_cast<int32_t>(prompt_tokens);
            r.output_segment = first_output_id + static_cast<uint64_t>(i);
            // The next round quotes this prompt and its answer.
            past.push_back({question_id(slot), question_tokens});
            past.push_back({r.output_segment, r.output_tokens});
            past_tokens += question_tokens + r.output_tokens;
        }
        add_segments(w, r, segments);
        w.requests.push_back(r);
    }
}

void random_lengths(const DataConfig& d, const std::vector<ScheduledRequest>& schedule, Rng& rng, Workload& w) {
    const std::vector<int32_t> in = draw_lengths(*d.input_distribution, rng);
    const std::vector<int32_t> out = draw_lengths(*d.output_distribution, rng);
    for (size_t i = 0; i < schedule.size(); ++i) {
        RequestSpec r = base_request(schedule[i]);
        r.prompt_tokens = in[i % in.size()];
        r.output_tokens = out[i % out.size()];
        w.requests.push_back(r);
    }
}

void sharegpt_lengths(const DataConfig& d, const std::vector<ScheduledRequest>& schedule, Rng& rng, Workload& w) {
    const BuiltinWorkload& source = find_builtin_workload("sharegpt", "data.type");
    const auto within = [](const std::optional<IoDistribution>& dist, int32_t v) {
        return !dist || (v >= dist->min && v <= dist->max);
    };
    constexpr int attempts = 10'000;
    for (const auto& s : schedule) {
        RequestSpec r = base_request(s);
        int k = 0;
        for (; k < attempts; ++k) {
            const auto [prompt, output] = sample_builtin_lengths(source, rng);
            if (within(d.input_distribution, prompt) && within(d.output_distribution, output)) {
                r.prompt_tokens = prompt;
                r.output_tokens = output;
                break;
            }
        }
        if (k == attempts) {
            throw InputError(d.where,
                             "input_distribution/output_distribution min..max keep almost no ShareGPT "
                             "conversation (expected ranges that overlap the ShareGPT lengths)");
        }
        w.requests.push_back(r);
    }
}

}  // namespace

Workload generate_requests(const DataConfig& data, const std::vector<ScheduledRequest>& schedule, Rng& rng) {
    Workload w;
    w.requests.reserve(schedule.size());
    switch (data.type) {
        case DataType::shared_prefix:
            shared_prefix(data.shared_prefix, schedule, rng, w);
            break;
        case DataType::random:
            random_lengths(data, schedule, rng, w);
            break;
        case DataType::sharegpt:
            sharegpt_lengths(data, schedule, rng, w);
            break;
    }
    return w;
}

}  // namespace llmsim::traces::inference_perf
