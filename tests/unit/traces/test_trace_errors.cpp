// Bad trace input: every case is a one-line InputError naming the file, the line and the bad value.
#include <catch2/catch.hpp>

#include <string>

#include "common/error.hpp"
#include "tests/support/test_support.hpp"
#include "tests/unit/traces/trace_test_util.hpp"
#include "traces/trace_format.hpp"

using namespace llmsim;
using namespace llmsim::traces;
using llmsim::test::check_positioned;
using llmsim::test::error_message;
using llmsim::test::TempDir;

namespace {

std::string read_error(const std::string& path, const std::string& format = "auto") {
    return error_message<InputError>([&] { (void)read_trace(path, format); });
}

}  // namespace

TEST_CASE("traces: negative, malformed and zero values name file, line and value", "[traces]") {
    TempDir dir;
    const std::string vidur_header = "arrived_at,num_prefill_tokens,num_decode_tokens\n";

    const auto neg = dir.write("neg.csv", vidur_header + "0,10,10\n1,-5,10\n");
    check_positioned(read_error(neg), neg, 3, "-5");
    CHECK(read_error(neg).find("num_prefill_tokens") != std::string::npos);

    const auto junk = dir.write("junk.csv", vidur_header + "0,10,ten\n");
    check_positioned(read_error(junk), junk, 2, "ten");

    const auto neg_time = dir.write("negt.csv", vidur_header + "-1.5,10,10\n");
    check_positioned(read_error(neg_time), neg_time, 2, "-1.5");

    const auto zero_prompt = dir.write("zero.csv", vidur_header + "0,10,10\n0.1,0,10\n");
    const std::string zp = read_error(zero_prompt);
    check_positioned(zp, zero_prompt, 3, "'0'");
    CHECK(zp.find("at least 1 token") != std::string::npos);

    const auto huge = dir.write("huge.csv", vidur_header + "0,99999999999,10\n");
    check_positioned(read_error(huge), huge, 2, "99999999999");

    const auto short_row = dir.write("short.csv", vidur_header + "0,10\n");
    check_positioned(read_error(short_row), short_row, 2, "2 fields");

    const auto azure = dir.write("az.csv",
                                 "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,1\n"
                                 "2023-13-16 18:15:46,1,1\n");
    const std::string az = read_error(azure);
    check_positioned(az, azure, 3, "2023-13-16 18:15:46");
    CHECK(az.find("TIMESTAMP") != std::string::npos);

    const auto burst = dir.write("bg.csv",
                                 "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
                                 "1,ChatGPT,x1,5,6,API log\n");
    check_positioned(read_error(burst), burst, 2, "x1");
}

TEST_CASE("traces: JSONL errors name file, line and key", "[traces]") {
    TempDir dir;
    const std::string ok = R"({"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": [1]})";

    const auto neg = dir.write("neg.jsonl", ok + "\n" + R"({"timestamp": 5, "input_length": -3, "output_length": 5})");
    const std::string m = read_error(neg);
    check_positioned(m, neg, 2, "-3");
    CHECK(m.find("input_length") != std::string::npos);

    const auto str =
        dir.write("str.jsonl", ok + "\n\n" + R"({"timestamp": "soon", "input_length": 3, "output_length": 5})");
    check_positioned(read_error(str), str, 3, "soon");

    const auto missing = dir.write("miss.jsonl", ok + "\n" + R"({"timestamp": 5, "input_length": 3})");
    const std::string mm = read_error(missing);
    check_positioned(mm, missing, 2, "output_length");

    const auto hashes = dir.write(
        "h.jsonl", ok + "\n" + R"({"timestamp": 5, "input_length": 600, "output_length": 1, "hash_ids": [1, -2]})");
    const std::string mh = read_error(hashes);
    check_positioned(mh, hashes, 2, "-2");
    CHECK(mh.find("hash_ids") != std::string::npos);

    // Mooncake hash ids are one per 512-token block: a row whose count disagrees with its length is corrupt.
    const auto counts = dir.write(
        "c.jsonl", ok + "\n" + R"({"timestamp": 5, "input_length": 1025, "output_length": 1, "hash_ids": [1, 2]})");
    const std::string mc = read_error(counts);
    check_positioned(mc, counts, 2, "hash_ids");
    CHECK(mc.find("got 2 ids for input_length 1025") != std::string::npos);
    CHECK(mc.find("ceil(1025/512) = 3") != std::string::npos);

    const auto broken = dir.write("broken.jsonl", ok + "\n" + R"({"timestamp": 5, "input_length": 3,)");
    const std::string mb = read_error(broken, "mooncake");
    check_positioned(mb, broken, 2, "invalid JSON");

    const auto array_line = dir.write("arr.jsonl", ok + "\n[1, 2]\n");
    check_positioned(read_error(array_line, "mooncake"), array_line, 2, "array");

    const auto llm = dir.write("llm.jsonl", R"({"input_toks": 0, "output_toks": 4, "arrival_time_ns": 1})");
    check_positioned(read_error(llm), llm, 1, "input_toks");
}

TEST_CASE("traces: empty, header-only, binary and wrong-delimiter files are one-line errors", "[traces]") {
    TempDir dir;
    const auto empty = dir.write("empty.csv", "");
    CHECK(read_error(empty).find(empty) != std::string::npos);
    CHECK(read_error(empty, "azure").find("empty") != std::string::npos);

    const auto header_only = dir.write("h.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n");
    const std::string ho = read_error(header_only);
    CHECK(ho.find(header_only) != std::string::npos);
    CHECK(ho.find("no requests") != std::string::npos);

    const auto empty_jsonl = dir.write("e.jsonl", "\n\n");
    CHECK(read_error(empty_jsonl, "mooncake").find("no requests") != std::string::npos);

    std::string binary = "\x1f\x8b\x08";
    binary.push_back('\0');
    binary += "\xff\xfe garbage \x01\x02";
    const auto bin = dir.write("bin.csv.gz", binary);
    for (const char* fmt : {"auto", "azure", "mooncake", "llmservingsim"}) {
        const std::string mb = read_error(bin, fmt);
        INFO(mb);
        CHECK(mb.find(bin) != std::string::npos);
        CHECK(mb.find("binary") != std::string::npos);
        CHECK(mb.find('\n') == std::string::npos);
    }

    // Binary-looking bytes without NULs still give a printable one-line message.
    const auto noisy = dir.write("noisy.csv", "\xff\xfe\x01\x02\x03,\x7f\x80\n\x05\x06\n");
    const std::string mn = read_error(noisy);
    CHECK(mn.find(noisy + ":1") != std::string::npos);
    CHECK(mn.find('\n') == std::string::npos);
    for (char c : mn)
        CHECK((static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f));

    const auto semicolons = dir.write("semi.csv", "TIMESTAMP;ContextTokens;GeneratedTokens\n2023-11-16 18:15:46;1;1\n");
    const std::string ms = error_message<InputError>([&] { (void)read_trace(semicolons, "azure"); });
    CHECK(ms.find(semicolons + ":1") != std::string::npos);
    CHECK(ms.find(";-separated") != std::string::npos);

    CHECK(read_error(semicolons).find("looks ;-separated") != std::string::npos);

    const auto tabs = dir.write("tabs.csv", "arrived_at\tnum_prefill_tokens\tnum_decode_tokens\n0\t1\t1\n");
    CHECK(error_message<InputError>([&] { (void)read_trace(tabs, "vidur"); }).find("tab-separated") !=
          std::string::npos);

    const std::string missing = error_message<InputError>([&] { (void)read_trace(dir.file("nope.csv")); });
    CHECK(missing.find("nope.csv") != std::string::npos);
    CHECK(error_message<InputError>([&] { (void)read_trace(dir.path()); }).find("directory") != std::string::npos);
}
