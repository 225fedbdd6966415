// Bad calibration input: missing columns, non-positive times, too few points and foreign profile schema versions
// exit 2 with one line naming the file, row and column (or the op class and the count it needs).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "hardware/calibration/measurement.hpp"
#include "tests/support/test_support.hpp"
#include "tools/bench/host_device.hpp"

namespace {

using llmsim::test::run_llmsim;
using llmsim::test::TempDir;

const char* kHeader =
    "device,backend,op_class,op_name,dtype,m,n,k,batch,tokens,context,group_size,gpus_per_node,flops,bytes,rows,"
    "threads,repeats,time_ns_median,time_ns_min,tag\n";

std::string gemm_rows(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        const double f = 1e6 * i * i;
        out += "host,cpu,gemm,qkv_proj,fp32,8,64,64,0,8,0,0,0," + std::to_string(f) + "," + std::to_string(f / 10) +
               ",1,2,5," + std::to_string(1000.0 * i * i) + "," + std::to_string(900.0 * i * i) + ",t\n";
    }
    return out;
}

}  // namespace

TEST_CASE("calibration: Measurement CSV round-trips through the writer and reader", "[calibration]") {
    TempDir tmp;
    const auto path = tmp.write("m.csv", std::string(kHeader) + gemm_rows(5));
    const auto rows = llmsim::hardware::read_measurements_csv(path);
    REQUIRE(rows.size() == 5);
    CHECK(rows[2].op_name == "qkv_proj");
    CHECK(rows[2].threads == 2);
    CHECK(rows[2].time_ns_min == Approx(8100));
    const auto again = tmp.write("again.csv", llmsim::hardware::measurements_to_csv(rows));
    const auto rows2 = llmsim::hardware::read_measurements_csv(again);
    REQUIRE(rows2.size() == 5);
    CHECK(rows2[4].flops == Approx(rows[4].flops));
    CHECK(rows2[4].tag == "t");
}

TEST_CASE("calibration: Missing columns name the file and the column", "[calibration]") {
    TempDir tmp;
    const auto path = tmp.write("bad.csv", "op_class,dtype,flops,bytes\ngemm,fp32,1e9,1e6\n");
    const auto r = run_llmsim({"calibrate", "--measurements", path, "--base", "host"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("bad.csv") != std::string::npos);
    CHECK(r.err.find("time_ns_median") != std::string::npos);
}

TEST_CASE("calibration: Non-positive times name the file and row and column", "[calibration]") {
    TempDir tmp;
    std::string body = gemm_rows(4);
    body += "host,cpu,gemm,qkv_proj,fp32,8,64,64,0,8,0,0,0,1e9,1e6,1,2,5,0,0,t\n";  // line 6
    const auto path = tmp.write("zero.csv", std::string(kHeader) + body);
    const auto r = run_llmsim({"calibrate", "--measurements", path, "--base", "host"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("zero.csv:6") != std::string::npos);
    CHECK(r.err.find("time_ns_median") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("calibration: Too few points for an op class names the class and the count it needs", "[calibration]") {
    TempDir tmp;
    // Four GEMMs can be fitted; two attention rows cannot (and --base host has no profile to transfer from).
    std::string body = gemm_rows(4);
    body += "host,cpu,attn_decode,attn_decode,fp32,0,0,0,4,1,64,0,0,1e6,2e6,24,2,5,5000,4000,t\n";
    body += "host,cpu,attn_decode,attn_decode,fp32,0,0,0,8,1,64,0,0,2e6,4e6,48,2,5,9000,8000,t\n";
    const auto path = tmp.write("few.csv", std::string(kHeader) + body);
    const auto r = run_llmsim({"calibrate", "--measurements", path, "--base", "host", "--out", tmp.file("p.json")});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("op class 'attn_decode'") != std::string::npos);
    CHECK(r.err.find("has 2 measurements") != std::string::npos);
    CHECK(r.err.find("at least 4") != std::string::npos);
    CHECK(!std::filesystem::exists(tmp.file("p.json")));  // nothing written half
    // With a calibrated profile to transfer from, the two rows anchor its curves instead.
    const auto ok = run_llmsim({"calibrate", "--measurements", path, "--base", "host", "--transfer-from",
                                "a100-sxm-80gb", "--out", tmp.file("p.json")});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("attn_decode | anchored") != std::string::npos);
}

TEST_CASE("calibration: A profile from another schema version is refused with a clear error", "[calibration]") {
    TempDir tmp;
    auto text = llmsim::bench::host_device_json();
    text.replace(text.find("\"schema_version\": 1"), 19, "\"schema_version\": 7");
    const auto path = tmp.write("v7.json", text);
    const auto r = run_llmsim(
        {"calibrate", "--measurements", tmp.write("m.csv", std::string(kHeader) + gemm_rows(4)), "--base", path});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("schema version 7") != std::string::npos);
    const auto run = run_llmsim({"run", "--hardware", path, "--model", "llama-tiny-15m", "--num-requests", "2"});
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("schema_version") != std::string::npos);
}

TEST_CASE("calibration: The built-in host profile is hardware/base/host.json", "[calibration]") {
    const auto file = llmsim::hardware::device_from_json(
        llmsim::load_json_file(llmsim::test::source_path("hardware/base/host.json")), "host.json");
    const auto builtin = llmsim::bench::host_device_spec();
    CHECK(builtin.id == file.id);
    CHECK(builtin.kind == "cpu");
    CHECK(builtin.peak_flops_per_s == file.peak_flops_per_s);
    CHECK(builtin.memory_bytes == file.memory_bytes);
    CHECK(builtin.memory_bandwidth_bytes_per_s == file.memory_bandwidth_bytes_per_s);
    CHECK(llmsim::test::read_text(llmsim::test::source_path("hardware/base/host.json")) ==
          llmsim::bench::host_device_json());
}

TEST_CASE("calibration: --base cpu is a deprecated alias of --base host, with one warning", "[calibration]") {
    TempDir tmp;
    const auto path = tmp.write("gemm.csv", std::string(kHeader) + gemm_rows(6));
    const auto host = run_llmsim({"calibrate", "--measurements", path, "--base", "host", "--out", tmp.file("h.json")});
    REQUIRE(host.exit_code == 0);
    CHECK(host.err.find("warning") == std::string::npos);
    const auto cpu = run_llmsim({"calibrate", "--measurements", path, "--base", "cpu", "--out", tmp.file("c.json")});
    INFO(cpu.err);
    REQUIRE(cpu.exit_code == 0);
    // One line that says what `cpu` means elsewhere and what to write instead.
    CHECK(std::count(cpu.err.begin(), cpu.err.end(), '\n') == 1);
    CHECK(cpu.err.find("--base cpu is a deprecated alias of --base host") != std::string::npos);
    CHECK(cpu.err.find("xeon-8480") != std::string::npos);
    // The same profile either way.
    CHECK(llmsim::test::read_text(tmp.file("c.json")) == llmsim::test::read_text(tmp.file("h.json")));
    CHECK(llmsim::bench::host_device_spec().id == "host");
}
