// Trace readers on small hand-written files: exact parsed values, pooling, sorting, clamping, detection.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "common/error.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/traces/trace_test_util.hpp"
#include "traces/formats/formats.hpp"
#include "traces/trace_format.hpp"

using namespace llmsim;
using namespace llmsim::traces;
using llmsim::test::check_positioned;
using llmsim::test::TempDir;

TEST_CASE("traces: vidur reader parses seconds, extra columns, and sorts stably", "[traces]") {
    TempDir dir;
    const auto path = dir.write("v.csv",
                                "arrived_at,num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\n"
                                "0.5,100,10,110,10\n"
                                "0.25,200,20,220,10\n"
                                "\n"
                                "0.5,300,0,300,inf\n"
                                "1.000000001,400,40,440,10\n");
    const Workload w = read_trace(path, "vidur");
    REQUIRE(w.requests.size() == 4);
    CHECK(w.has_timestamps);
    CHECK(w.source == "vidur:" + path);
    // Sorted by arrival (0.25 first), ties keep file order (100 before 300), relative to the earliest (0.25 s).
    CHECK(w.requests[0].arrival_ns == 0);
    CHECK(w.requests[0].prompt_tokens == 200);
    CHECK(w.requests[1].arrival_ns == 250'000'000);
    CHECK(w.requests[1].prompt_tokens == 100);
    CHECK(w.requests[2].prompt_tokens == 300);
    CHECK(w.requests[2].output_tokens == 1);  // clamped from 0
    CHECK(w.requests[3].arrival_ns == 750'000'001);
    REQUIRE(w.notes.size() == 2);
    CHECK(w.notes[0].find("sorted") != std::string::npos);
    CHECK(w.notes[1].find("1 of 4 requests had 0 output tokens") != std::string::npos);
}

TEST_CASE("traces: azure timestamps parse to nanoseconds without a time zone", "[traces]") {
    using formats::parse_azure_timestamp_ns;
    CHECK(parse_azure_timestamp_ns("1970-01-01 00:00:00") == 0);
    CHECK(parse_azure_timestamp_ns("1970-01-02 00:00:01.5") == 86'401'500'000'000LL);
    // 2023-11-16 is day 19677 since the epoch.
    CHECK(parse_azure_timestamp_ns("2023-11-16 18:15:46.6805900") ==
          (19677LL * 86400 + 18 * 3600 + 15 * 60 + 46) * 1'000'000'000LL + 680'590'000);
    CHECK(parse_azure_timestamp_ns("2024-02-29T00:00:00.000000001") ==
          parse_azure_timestamp_ns("2024-02-28 00:00:00").value() + 86'400'000'000'001LL);
    CHECK(parse_azure_timestamp_ns("2024-05-10 00:00:00.009930+00:00") ==
          parse_azure_timestamp_ns("2024-05-10 00:00:00.00993").value());
    CHECK(parse_azure_timestamp_ns("2024-05-10 02:00:00+02:00") == parse_azure_timestamp_ns("2024-05-10 00:00:00"));
    CHECK_FALSE(parse_azure_timestamp_ns("2023-02-29 00:00:00"));
    CHECK_FALSE(parse_azure_timestamp_ns("2023-11-16"));
    CHECK_FALSE(parse_azure_timestamp_ns("2023-11-16 25:00:00"));
    CHECK_FALSE(parse_azure_timestamp_ns("2023-11-16 18:15:46."));
    CHECK_FALSE(parse_azure_timestamp_ns("2023-11-16 18:15:46.1234567890"));
    CHECK_FALSE(parse_azure_timestamp_ns("16/11/2023 18:15:46"));
    CHECK_FALSE(parse_azure_timestamp_ns(""));
}

TEST_CASE("traces: azure reader makes arrivals relative to the first row", "[traces]") {
    TempDir dir;
    const auto path = dir.write("a.csv",
                                "TIMESTAMP,ContextTokens,GeneratedTokens\r\n"
                                "2023-11-16 18:15:46.6805900,374,44\r\n"
                                "2023-11-16 18:15:50.9951690,396,109\r\n"
                                "2023-11-16 18:16:46.6805900,20000,0\r\n");
    const Workload w = read_trace(path);  // auto-detected
    CHECK(w.source == "azure:" + path);
    REQUIRE(w.requests.size() == 3);
    CHECK(w.requests[0].arrival_ns == 0);
    CHECK(w.requests[0].prompt_tokens == 374);
    CHECK(w.requests[0].output_tokens == 44);
    CHECK(w.requests[1].arrival_ns == 4'314'579'000);
    CHECK(w.requests[2].arrival_ns == 60'000'000'000);
    CHECK(w.requests[2].output_tokens == 1);
    CHECK(w.segments.empty());
}

TEST_CASE("traces: mooncake reader turns hash ids into 512-token segments and converts milliseconds", "[traces]") {
    TempDir dir;
    const auto path =
        dir.write("m.jsonl", R"({"timestamp": 0, "input_length": 1000, "output_length": 5, "hash_ids": [0, 1]})"
                             "\n"
                             R"({"timestamp": 2500, "input_length": 600, "output_length": 7, "hash_ids": [0, 2]})"
                             "\n"
                             R"({"timestamp": 1000.5, "input_length": 10, "output_length": 0, "hash_ids": [7]})"
                             "\n"
                             R"({"timestamp": 3000, "input_length": 513, "output_length": 1})"
                             "\n");
    const Workload w = read_trace(path, "auto");
    CHECK(w.source == "mooncake:" + path);
    REQUIRE(w.requests.size() == 4);
    // Segment id = hash id + 1 (0 is reserved for unique content); the last block holds the remainder.
    REQUIRE(w.segments.size() == 5);
    const auto seg = [&](const RequestSpec& r, uint32_t i) { return w.segments[r.segment_offset + i]; };
    // Sorted: 0 ms, 1000.5 ms, 2500 ms, 3000 ms; segment ranges travel with their request.
    REQUIRE(w.requests[0].segment_count == 2);
    CHECK(seg(w.requests[0], 0).id == 1);
    CHECK(seg(w.requests[0], 0).tokens == 512);
    CHECK(seg(w.requests[0], 1).id == 2);
    CHECK(seg(w.requests[0], 1).tokens == 488);
    CHECK(w.requests[1].arrival_ns == 1'000'500'000);
    REQUIRE(w.requests[1].segment_count == 1);
    CHECK(seg(w.requests[1], 0).id == 8);
    CHECK(seg(w.requests[1], 0).tokens == 10);
    CHECK(w.requests[1].output_tokens == 1);
    CHECK(w.requests[2].arrival_ns == 2'500'000'000);
    CHECK(w.requests[2].prompt_tokens == 600);
    REQUIRE(w.requests[2].segment_count == 2);
    CHECK(seg(w.requests[2], 0).id == seg(w.requests[0], 0).id);  // shared first block
    CHECK(seg(w.requests[2], 1).id == 3);
    CHECK(seg(w.requests[2], 1).tokens == 88);
    CHECK(w.requests[3].segment_count == 0);  // no hash_ids: the whole prompt is unique
    for (const auto& r : w.requests) {
        CHECK(r.after == -1);
        CHECK(r.stage == -1);
        CHECK(r.output_segment == 0);
    }
}

TEST_CASE("traces: splitwise reader uses seconds, token_size, and expands batches", "[traces]") {
    TempDir dir;
    const auto path = dir.write("s.csv",
                                "request_id,request_type,application_id,arrival_timestamp,batch_size,prompt_size,"
                                "token_size\n"
                                "0,2,0,1,1,4096,32\n"
                                "1,2,0,3.25,2,2048,8\n");
    const Workload w = read_trace(path);
    CHECK(w.source == "splitwise:" + path);
    REQUIRE(w.requests.size() == 3);
    CHECK(w.requests[0].arrival_ns == 0);
    CHECK(w.requests[0].prompt_tokens == 4096);
    CHECK(w.requests[0].output_tokens == 32);
    CHECK(w.requests[1].arrival_ns == 2'250'000'000);
    CHECK(w.requests[2].arrival_ns == 2'250'000'000);
    CHECK(w.requests[2].prompt_tokens == 2048);
    CHECK(w.requests[2].output_tokens == 8);

    const auto bad_type = dir.write("t.csv", "request_type,arrival_timestamp,prompt_size,token_size\n1,0,10,10\n");
    check_positioned(test::error_message<InputError>([&] { (void)read_trace(bad_type); }), bad_type, 2, "request_type");
}

TEST_CASE("traces: sharegpt-stats reader keeps file order and has no timestamps", "[traces]") {
    TempDir dir;
    const auto path = dir.write("st.csv",
                                "num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\n"
                                "74,918,992,0.08\n"
                                "290,905,1195,0.32\n"
                                "5,1,6,5\n");
    const Workload w = read_trace(path);
    CHECK(w.source == "sharegpt-stats:" + path);
    CHECK_FALSE(w.has_timestamps);
    REQUIRE(w.requests.size() == 3);
    CHECK(w.requests[0].arrival_ns == -1);
    CHECK(w.requests[0].prompt_tokens == 74);
    CHECK(w.requests[1].output_tokens == 905);
    CHECK(w.requests[2].prompt_tokens == 5);
    // The two-column variant is detected too.
    const auto two = dir.write("two.csv", "num_prefill_tokens,num_decode_tokens\n1,2\n");
    CHECK(detect_trace_format(two) == "sharegpt-stats");
}

TEST_CASE("traces: burstgpt reader skips failed rows and says so", "[traces]") {
    TempDir dir;
    const auto path = dir.write("b.csv",
                                "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                                "5,ChatGPT,472,18,490,Conversation log\n"
                                "45,ChatGPT,1087,230,1317,Conversation log\n"
                                "50,GPT-4,300,0,300,API log\n"
                                "118,GPT-4,417,276,693,Conversation log\n");
    const Workload w = read_trace(path);
    CHECK(w.source == "burstgpt:" + path);
    REQUIRE(w.requests.size() == 3);
    CHECK(w.requests[0].arrival_ns == 0);
    CHECK(w.requests[1].arrival_ns == 40'000'000'000);
    CHECK(w.requests[2].arrival_ns == 113'000'000'000);
    CHECK(w.requests[2].prompt_tokens == 417);
    CHECK(w.requests[2].output_tokens == 276);
    REQUIRE(w.notes.size() == 1);
    CHECK(w.notes[0].find("skipped 1 of 4 rows") != std::string::npos);
}

TEST_CASE("traces: llmservingsim reader reads ns arrivals", "[traces]") {
    TempDir dir;
    const auto path = dir.write("l.jsonl", R"({"input_toks":10,"output_toks":70,"arrival_time_ns":46926808})"
                                           "\n"
                                           R"({"input_toks":22,"output_toks":104,"arrival_time_ns":347938952})"
                                           "\n");
    const Workload w = read_trace(path);
    CHECK(w.source == "llmservingsim:" + path);
    REQUIRE(w.requests.size() == 2);
    CHECK(w.requests[0].arrival_ns == 0);
    CHECK(w.requests[0].prompt_tokens == 10);
    CHECK(w.requests[0].output_tokens == 70);
    CHECK(w.requests[1].arrival_ns == 347938952 - 46926808);
    CHECK(w.segments.empty());

    const auto agentic = dir.write("ag.jsonl", R"({"session_id":"s","arrival_time_ns":0,"sub_requests":[]})"
                                               "\n");
    check_positioned(test::error_message<InputError>([&] { (void)read_trace(agentic); }), agentic, 1, "sub_requests");
}

namespace {

// A JSON array of consecutive token ids, one run per {first, count} pair.
std::string token_ids(std::initializer_list<std::pair<int, int>> runs) {
    std::string out;
    for (const auto& [first, count] : runs) {
        for (int i = 0; i < count; ++i) {
            if (!out.empty()) out += ',';
            out += std::to_string(first + i);
        }
    }
    return "[" + out + "]";
}

std::string llmservingsim_row(int64_t arrival_ns, const std::string& ids, int count) {
    return R"({"input_toks":)" + std::to_string(count) + R"(,"output_toks":3,"arrival_time_ns":)" +
           std::to_string(arrival_ns) + R"(,"input_tok_ids":)" + ids + "}\n";
}

}  // namespace

TEST_CASE("traces: llmservingsim token ids become chained 16-token segments", "[traces]") {
    TempDir dir;
    // a: tokens 0..39; b: tokens 0..31 then 100..107 (same first two segments); c: 1000..1015 then 16..31 (same
    // second window as a, different prefix).
    const auto path = dir.write("t.jsonl", llmservingsim_row(0, token_ids({{0, 40}}), 40) +
                                               llmservingsim_row(1, token_ids({{0, 32}, {100, 8}}), 40) +
                                               llmservingsim_row(2, token_ids({{1000, 16}, {16, 16}}), 32));
    const Workload w = read_trace(path, "llmservingsim");
    REQUIRE(w.requests.size() == 3);
    const auto& a = w.requests[0];
    const auto& b = w.requests[1];
    const auto& c = w.requests[2];
    REQUIRE(a.segment_count == 3);
    REQUIRE(b.segment_count == 3);
    REQUIRE(c.segment_count == 2);
    const auto seg = [&](const RequestSpec& r, uint32_t i) { return w.segments[r.segment_offset + i]; };
    CHECK(seg(a, 0).tokens == 16);
    CHECK(seg(a, 1).tokens == 16);
    CHECK(seg(a, 2).tokens == 8);  // the last segment holds the remainder
    CHECK(seg(b, 0).id == seg(a, 0).id);
    CHECK(seg(b, 1).id == seg(a, 1).id);
    CHECK(seg(b, 2).id != seg(a, 2).id);
    CHECK(seg(c, 0).id != seg(a, 0).id);
    CHECK(seg(c, 1).id != seg(a, 1).id);  // same 16 tokens, different prefix: chained ids differ
    for (const auto& s : w.segments)
        CHECK(s.id != 0);

    // The id list must cover the prompt exactly.
    const auto bad = dir.write("bad.jsonl", llmservingsim_row(0, token_ids({{0, 4}}), 4) +
                                                R"({"input_toks":5,"output_toks":3,"arrival_time_ns":9,)"
                                                R"("input_tok_ids":[1,2,3]})"
                                                "\n");
    const std::string m = test::error_message<InputError>([&] { (void)read_trace(bad); });
    check_positioned(m, bad, 2, "input_tok_ids");
    CHECK(m.find("got 3 token ids for input_toks 5") != std::string::npos);
    const auto neg = dir.write("neg.jsonl", R"({"input_toks":2,"output_toks":3,"arrival_time_ns":9,)"
                                            R"("input_tok_ids":[1,-7]})"
                                            "\n");
    check_positioned(test::error_message<InputError>([&] { (void)read_trace(neg); }), neg, 1, "-7");
}

TEST_CASE("traces: format registry lists, validates and detects", "[traces]") {
    const auto formats = list_trace_formats();
    REQUIRE(formats.size() == 7);
    for (const char* name :
         {"vidur", "azure", "mooncake", "splitwise", "sharegpt-stats", "burstgpt", "llmservingsim"}) {
        CHECK(std::any_of(formats.begin(), formats.end(), [&](const auto& f) { return f.name == name; }));
    }
    for (const auto& f : formats)
        CHECK_FALSE(f.description.empty());

    const std::string msg = test::error_message<UsageError>([] { validate_trace_format_name("mooncak"); });
    CHECK(msg.find("--trace-format") != std::string::npos);
    CHECK(msg.find("did you mean 'mooncake'") != std::string::npos);
    CHECK(msg.find("burstgpt") != std::string::npos);

    TempDir dir;
    const auto unknown = dir.write("u.csv", "a,b,c\n1,2,3\n");
    const std::string m2 = test::error_message<InputError>([&] { (void)read_trace(unknown); });
    CHECK(m2.find(unknown + ":1") != std::string::npos);
    CHECK(m2.find("unrecognised trace format") != std::string::npos);
    CHECK(m2.find("splitwise") != std::string::npos);
    CHECK(m2.find("a,b,c") != std::string::npos);

    // Explicit format overrides detection: an Azure header read as vidur names the missing column.
    const auto azure = dir.write("a.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n");
    const std::string m3 = test::error_message<InputError>([&] { (void)read_trace(azure, "vidur"); });
    CHECK(m3.find("missing column 'arrived_at'") != std::string::npos);
    CHECK(m3.find(azure + ":1") != std::string::npos);
}
