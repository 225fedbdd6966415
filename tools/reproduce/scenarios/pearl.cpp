// PEARL (Liu et al., ICLR 2025): drafting and verification run in parallel with an adaptive draft length, up to 3.79x
// faster than autoregressive decoding and 1.52x faster than vanilla speculative decoding.
#include <fmt/format.h>

#include "tools/reproduce/scenarios/scenario_list.hpp"
#include "tools/reproduce/scenarios/spec_decode_runs.hpp"

namespace llmsim::tools::reproduce {

Scenario pearl_scenario() {
    Scenario s;
    s.name = "pearl-vs-vanilla-sd";
    s.paper = "PEARL: Parallel Speculative Decoding with Adaptive Draft Length (Liu et al., ICLR 2025)";
    s.claim = "up to 3.79x vs auto-regressive decoding and 1.52x vs vanilla speculative decoding (the 1.52x is judged)";
    s.range = {1.52, 1.52, "x"};
    s.run = [] {
        Reproduction out;
        out.baseline = "vanilla speculative decoding with the same draft model, gamma 4, drafting before each verify";
        out.assumptions = {
            {"models",
             "codellama-34b target, llama-2-7b draft (CodeLlama-7B's architecture; the paper's "
             "HumanEval pair)"},
            {"hardware", "two A100-SXM-80GB (tensor parallel 2) for the target; PEARL's drafter on its own A100"},
            {"alpha", "0.85 (code completion with a same-family draft; the paper gives no rate in its abstract)"},
            {"gamma", "vanilla SD 4 (the draft drafter's default); PEARL at most 8, adapted to the speed ratio"},
            {"lengths", "256 prompt, 512 output tokens, batch 1"},
        };
        const double ar =
            batch1_tpot_ms(batch1_settings("codellama-34b", "a100", 2, 256, 512, ""), "autoregressive", out);
        const double sd = batch1_tpot_ms(
            batch1_settings("codellama-34b", "a100", 2, 256, 512, "draft:model=llama-2-7b,gamma=4,alpha=0.85"),
            "vanilla speculative decoding", out);
        const double pearl = batch1_tpot_ms(
            batch1_settings("codellama-34b", "a100", 2, 256, 512, "pearl:model=llama-2-7b,gamma=8,alpha=0.85"), "PEARL",
            out);
        out.simulated = sd / pearl;
        out.explanation = fmt::format(
            "Mean TPOT: autoregressive {:.2f} ms, vanilla SD {:.2f} ms, PEARL {:.2f} ms: {:.2f}x vs vanilla SD (the "
            "value judged) and {:.2f}x vs autoregressive (claimed up to 3.79x). Overlapping hides the drafting time "
            "(max(gamma * t_draft, t_verify) instead of the sum), so the gain over vanilla SD is capped near 2x; the "
            "adaptive length sets gamma to the target/draft step ratio. Here a 7B draft step is about a quarter of the "
            "34B's, so vanilla SD's four drafts nearly double its step and PEARL removes almost all of that; the "
            "paper's 1.52x implies its overlap hid less (two processes contending on the host, the pre-/post-verify "
            "hand-offs between GPUs), which the simulator does not model.",
            ar, sd, pearl, sd / pearl, ar / pearl);
        return out;
    };
    return s;
}

}  // namespace llmsim::tools::reproduce
