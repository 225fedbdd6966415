#include "tools/report/chrome_trace.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace llmsim::tools {

void ChromeTraceWriter::on_stage(int32_t replica, int32_t stage, int64_t start_ns, int64_t end_ns,
                                 const sim::Batch& batch) {
    const auto& shape = batch.shape();
    const bool verify = shape.decode_extra_tokens > 0;
    const char* kind = shape.prefill_tokens > 0
                           ? (shape.decode_seqs > 0 ? (verify ? "mixed+verify" : "mixed") : "prefill")
                           : (verify ? "verify" : "decode");
    if (!events_.empty()) events_ += ",\n";
    events_ += fmt::format(R"({{"name":"{} {}x{}","cat":"batch","ph":"X","pid":{},"tid":{},"ts":{:.3f},"dur":{:.3f},)"
                           R"("args":{{"prefill_tokens":{},"prefill_seqs":{},"decode_seqs":{},"tokens":{}}}}})",
                           kind, batch.size(), shape.total_tokens(), replica, stage, start_ns * 1e-3,
                           (end_ns - start_ns) * 1e-3, shape.prefill_tokens, shape.prefill_seqs, shape.decode_seqs,
                           shape.total_tokens());
    max_replica_ = std::max(max_replica_, replica);
    max_stage_ = std::max(max_stage_, stage);
}

void ChromeTraceWriter::on_draft(int32_t replica, int64_t start_ns, int64_t end_ns, const sim::Batch& batch) {
    if (!events_.empty()) events_ += ",\n";
    events_ +=
        fmt::format(R"({{"name":"draft {}x{}","cat":"draft","ph":"X","pid":{},"tid":{},"ts":{:.3f},"dur":{:.3f},)"
                    R"("args":{{"sequences":{},"draft_tokens":{},"overlapped":{}}}}})",
                    batch.shape().decode_seqs, batch.decode_tokens() - 1, replica, kDrafterTid, start_ns * 1e-3,
                    (end_ns - start_ns) * 1e-3, batch.shape().decode_seqs, batch.decode_tokens() - 1,
                    batch.draft_overlapped() ? "true" : "false");
    max_replica_ = std::max(max_replica_, replica);
    drafts_ = true;
}

std::string ChromeTraceWriter::finish() const {
    std::string body;
    for (int32_t r = 0; r <= max_replica_; ++r) {
        if (!body.empty()) body += ",\n";
        body += fmt::format(R"({{"name":"process_name","ph":"M","pid":{},"args":{{"name":"replica {}"}}}})", r, r);
        for (int32_t s = 0; s <= max_stage_; ++s) {
            body += fmt::format(R"(,{{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":"stage {}"}}}})",
                                r, s, s);
        }
        if (drafts_) {
            body += fmt::format(R"(,{{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":"drafter"}}}})",
                                r, kDrafterTid);
        }
    }
    if (!events_.empty()) body += (body.empty() ? "" : ",\n") + events_;
    return "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n" + body + "\n]}\n";
}

}  // namespace llmsim::tools
