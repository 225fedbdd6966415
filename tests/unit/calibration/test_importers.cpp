// Importers on small files written here in the upstream formats, and on the real profiles in ../shared when
// present (never copied into the repository).
#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>

#include "common/error.hpp"
#include "models/layer_ops.hpp"
#include "models/presets.hpp"
#include "tests/support/test_support.hpp"
#include "tools/calibration/importers.hpp"

namespace {

using llmsim::test::TempDir;

// One vidur mlp.csv row: Llama-2-7B shapes, `tokens` tokens, every op 0.1 ms except qkv = 0.25 ms.
std::string vidur_mlp(const std::vector<int>& tokens) {
    const char* ops[] = {
        "emb",         "input_layernorm", "attn_pre_proj", "attn_rope", "attn_post_proj", "post_attention_layernorm",
        "mlp_up_proj", "mlp_act",         "mlp_down_proj", "add"};
    std::string header;
    for (const char* op : ops) {
        for (const char* stat : {"min", "max", "mean", "median", "std"}) {
            header += std::string("time_stats.") + op + "." + stat + ",";
        }
    }
    header +=
        "n_head,n_kv_head,n_embd,n_expanded_embd,vocab_size,use_gated_mlp,num_tokens,num_tensor_parallel_workers\n";
    std::string body;
    for (int t : tokens) {
        for (const char* op : ops) {
            const std::string v = std::string(op) == "attn_pre_proj" ? "0.25" : "0.1";
            body += v + "," + v + "," + v + "," + v + ",0.0,";
        }
        body += "32,32,4096,11008,32000,True," + std::to_string(t) + ",1\n";
    }
    return header + body;
}

}  // namespace

TEST_CASE("calibration: Vidur mlp.csv rows become per-op measurements with op-model FLOPs", "[calibration]") {
    TempDir tmp;
    const auto path = tmp.write("mlp.csv", vidur_mlp({1, 128, 512}));
    const auto rows = llmsim::tools::import_vidur_mlp(path, "a100", "Llama-2-7b-hf");
    REQUIRE(rows.size() == 30);
    std::set<std::string> names;
    for (const auto& r : rows)
        names.insert(r.op_name);
    CHECK(names.count("qkv_proj") == 1);
    CHECK(names.count("residual_add") == 1);
    for (const auto& r : rows) {
        CHECK(r.tag == "Llama-2-7b-hf");
        CHECK(r.backend == "vidur-import");
        if (r.op_name == "qkv_proj" && r.tokens == 128) {
            CHECK(r.flops == Approx(2.0 * 128 * 4096 * 3 * 4096));
            CHECK(r.time_ns_median == Approx(0.25e6));
            CHECK(r.op_class == llmsim::OpClass::gemm);
        }
    }
}

TEST_CASE("calibration: Vidur network CSVs become collective measurements", "[calibration]") {
    TempDir tmp;
    std::string csv =
        ",time_stats.all_reduce.min,time_stats.all_reduce.max,time_stats.all_reduce.mean,time_stats.all_reduce.median,"
        "time_stats.all_reduce.std,rank,num_workers,size,collective,devices_per_node,max_devices_per_node\n";
    csv += "0,0.03,0.07,0.05,0.043,0.01,0,2,2048,all_reduce,1,8\n";
    csv += "1,0.04,0.07,0.05,0.056,0.01,0,8,1048576,all_reduce,8,8\n";
    std::filesystem::create_directories(tmp.file("a100_dgx"));
    const auto path = tmp.write("a100_dgx/all_reduce.csv", csv);
    const auto rows = llmsim::tools::import_vidur_network(path, "a100");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].is_collective());
    CHECK(rows[0].inter_node());  // 2 workers, 1 device per node
    CHECK(!rows[1].inter_node());
    CHECK(rows[1].bytes == Approx(1048576));
    CHECK(rows[1].time_ns_median == Approx(56000));
    CHECK(rows[1].tag == "a100_dgx");
}

TEST_CASE("calibration: Attention samples become attention measurements and bad phases are named", "[calibration]") {
    TempDir tmp;
    const auto path = tmp.write("attn.csv",
                                "phase,batch_size,prefill_chunk_size,kv_cache_size,attn_time_ms_median\n"
                                "decode,8,0,1024,0.05\nprefill,1,512,0,0.2\n");
    const auto rows = llmsim::tools::import_attention_samples(path, "a100", "llama-2-7b");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].op_class == llmsim::OpClass::attn_decode);
    CHECK(rows[0].rows == Approx(8 * 32));
    CHECK(rows[1].op_class == llmsim::OpClass::attn_prefill);
    CHECK(rows[1].rows == Approx(512 * 32));
    const auto bad =
        tmp.write("bad.csv", "phase,batch_size,prefill_chunk_size,kv_cache_size,attn_time_ms_median\nmix,1,1,1,0.1\n");
    try {
        (void)llmsim::tools::import_attention_samples(bad, "a100", "llama-2-7b");
        FAIL("expected InputError");
    } catch (const llmsim::InputError& e) {
        CHECK(std::string(e.what()).find("bad.csv:2") != std::string::npos);
    }
}

TEST_CASE("calibration: Real vidur profiles import with every op and model", "[calibration][shared]") {
    const auto dir = llmsim::test::shared_file("calibration/vidur-profiles");
    if (!dir) {
        llmsim::test::skip("../shared/calibration/vidur-profiles not present");
        return;
    }
    const auto rows = llmsim::tools::import_vidur_dir(*dir, "a100", "a100_dgx");
    std::set<std::string> tags;
    size_t gemms = 0;
    size_t collectives = 0;
    for (const auto& r : rows) {
        tags.insert(r.tag);
        gemms += r.op_class == llmsim::OpClass::gemm ? 1 : 0;
        collectives += r.is_collective() ? 1 : 0;
        REQUIRE(r.time_ns_median > 0);
    }
    CHECK(tags.count("Llama-2-7b-hf") == 1);
    CHECK(tags.count("Llama-2-70b-hf") == 1);
    CHECK(tags.count("Meta-Llama-3-8B") == 1);
    CHECK(gemms > 1000);
    CHECK(collectives > 100);
    const auto attention = llmsim::test::shared_file("calibration/vidur-attention-samples-a100-llama2-7b-tp1.csv");
    if (attention) {
        const auto a = llmsim::tools::import_attention_samples(*attention, "a100", "llama-2-7b");
        CHECK(a.size() > 50);
    }
}
