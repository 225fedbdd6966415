// Prefill/decode disaggregation, worked out by hand. Every iteration lasts exactly 1 ms (sim_fixture.hpp); the KV
// of one token is 1000 bytes over 10 layers, a transfer pays 0.5 ms of latency, so a request's timeline is
// prefill + transfer (bytes / bandwidth + latency) + decode steps. TTFT is when the client has its first token,
// which (as with the prefill's token streamed by the decode replica) is the end of the first decode step.
#include <catch2/catch.hpp>

#include "policies/disagg/disagg_spec.hpp"
#include "sim/serving/link_network.hpp"
#include "tests/unit/sim_fixture.hpp"

using namespace llmsim;
using namespace llmsim::test;

namespace {

constexpr double kBytesPerToken = 1000;
constexpr int64_t kLatencyNs = 500'000;

policies::DisaggSpec disagg_of(sim::ForwardCost& cost, double bytes_per_s, sim::KvTransferMode mode,
                               int32_t prefill_replicas = 1, int32_t decode_replicas = 1,
                               int64_t decode_blocks = 100000) {
    policies::DisaggSpec d;
    d.prefill = {cluster_of("sarathi"), &cost};
    d.prefill.spec.replicas = prefill_replicas;
    d.decode = {cluster_of("sarathi", decode_blocks), &cost};
    d.decode.spec.replicas = decode_replicas;
    d.transfer.mode = mode;
    d.transfer.kv_bytes_per_token = kBytesPerToken;
    d.transfer.layers = 10;
    d.transfer.path = [bytes_per_s](int32_t, int32_t, int32_t, int32_t) {
        return sim::KvPath{0, bytes_per_s, bytes_per_s, kLatencyNs};
    };
    return d;
}

class Counter final : public sim::LifecycleObserver {
  public:
    void on_prefill_done(const sim::RequestState& r, int64_t) override { prefilled[r.id] += 1; }
    void on_migrated(const sim::RequestState& r, int32_t) override { migrated[r.id] += 1; }
    void on_finished(const sim::RequestState& r, int64_t) override { finished[r.id] += 1; }
    std::map<uint32_t, int> prefilled, migrated, finished;
};

}  // namespace

TEST_CASE("disagg: TTFT = prefill + transfer (bytes/bandwidth + latency) + first decode step", "[disagg]") {
    // Prompt 100: prefill [0,1] ms; 100 tokens x 1000 B = 1e5 B at 1 MB/s = 100 ms, + 0.5 ms -> lands at 101.5;
    // first decode step [101.5, 102.5] (the client's first token), second [102.5, 103.5] (done).
    auto cost = instant_cost();
    const auto run =
        policies::simulate_disagg(disagg_of(cost, 1e6, sim::KvTransferMode::whole), workload_of({{0, 100, 3}}));
    const auto& r = run.requests[0];
    CHECK(ms(r.kv_transfer_ns) == Approx(100.5));
    CHECK(ms(r.first_token_ns) == Approx(1 + 100.5 + 1));
    CHECK(ms(r.finish_ns) == Approx(103.5));
    CHECK(r.pool == 1);
    CHECK(run.kv_transfer.transfers == 1);
    CHECK(run.kv_transfer.bytes == Approx(1e5));
    CHECK(run.replicas[0].iterations == 1);  // the prefill replica only prefills
    CHECK(run.replicas[1].iterations == 2);  // the decode replica only decodes
}

TEST_CASE("disagg: a one-token request ends at its prefill, with no transfer", "[disagg]") {
    auto cost = instant_cost();
    const auto run =
        policies::simulate_disagg(disagg_of(cost, 1e6, sim::KvTransferMode::whole), workload_of({{0, 100, 1}}));
    CHECK(ms(run.requests[0].finish_ns) == Approx(1));
    CHECK(run.requests[0].kv_transfer_ns == -1);
    CHECK(run.kv_transfer.transfers == 0);
}

TEST_CASE("disagg: layer-wise streaming hides all but the last layer when the link is fast enough", "[disagg]") {
    // 1e5 B at 1 GB/s = 0.1 ms whole; the 1 ms prefill could hide 0.9 ms of it, so only the last layer's 10 us shows.
    auto cost = instant_cost();
    const auto whole =
        policies::simulate_disagg(disagg_of(cost, 1e9, sim::KvTransferMode::whole), workload_of({{0, 100, 2}}));
    const auto layerwise =
        policies::simulate_disagg(disagg_of(cost, 1e9, sim::KvTransferMode::layerwise), workload_of({{0, 100, 2}}));
    CHECK(ms(whole.requests[0].kv_transfer_ns) == Approx(0.1 + 0.5));
    CHECK(ms(layerwise.requests[0].kv_transfer_ns) == Approx(0.01 + 0.5));
    CHECK(ms(layerwise.requests[0].first_token_ns) == Approx(1 + 0.51 + 1));
}

TEST_CASE("disagg: layer-wise streaming on a slow link shows what compute could not hide", "[disagg]") {
    // 1 MB/s: 100 ms of transfer, of which the 1 ms prefill hides 0.9 ms (9 of its 10 layers' compute).
    auto cost = instant_cost();
    const auto run =
        policies::simulate_disagg(disagg_of(cost, 1e6, sim::KvTransferMode::layerwise), workload_of({{0, 100, 2}}));
    CHECK(ms(run.requests[0].kv_transfer_ns) == Approx(100 - 0.9 + 0.5));
}

TEST_CASE("disagg: two simultaneous transfers on one link each take twice as long", "[disagg]") {
    // Both prompts are prefilled in one iteration on the one prefill replica: their transfers share its port.
    auto cost = instant_cost();
    const auto one =
        policies::simulate_disagg(disagg_of(cost, 1e6, sim::KvTransferMode::whole), workload_of({{0, 100, 2}}));
    const auto two = policies::simulate_disagg(disagg_of(cost, 1e6, sim::KvTransferMode::whole),
                                               workload_of({{0, 100, 2}, {0, 100, 2}}));
    CHECK(ms(one.requests[0].kv_transfer_ns) == Approx(100 + 0.5));
    for (const auto& r : two.requests)
        CHECK(ms(r.kv_transfer_ns) == Approx(200 + 0.5));
}

TEST_CASE("link network: max-min fair shares, recomputed as flows start and end", "[disagg][link]") {
    struct Sink final : sim::FlowSink {
        sim::Engine* engine = nullptr;
        std::map<uint64_t, int64_t> done_ns;
        void on_flow_done(uint64_t tag) override { done_ns[tag] = engine->now().ns(); }
    };
    struct Starter final : sim::EventHandler {
        sim::LinkNetwork* net = nullptr;
        std::array<int32_t, 2> links{};
        void on_event(uint32_t, uint64_t tag) override { net->start(tag, 1e6, links); }
    };
    sim::Engine engine;
    Sink sink;
    sink.engine = &engine;
    sim::LinkNetwork net(engine, sink);
    const int32_t a = net.add_link(1e9);  // 1 MB takes 1 ms alone
    const int32_t b = net.add_link(1e9);
    // Flow 0 alone on a; flow 1 joins a at 0.5 ms (both at half rate): 0 has 0.5 MB left -> done at 1.5 ms;
    // then 1 has 0.5 MB left at full rate -> done at 2 ms. Flow 2 on b alone: done at 1 ms.
    Starter s0, s1, s2;
    for (Starter* s : {&s0, &s1, &s2})
        s->net = &net;
    s0.links = {a, -1};
    s1.links = {a, -1};
    s2.links = {b, -1};
    engine.schedule_at(sim::SimTime::from_ns(0), s0, 0, 0);
    engine.schedule_at(sim::SimTime::from_ns(500'000), s1, 0, 1);
    engine.schedule_at(sim::SimTime::from_ns(0), s2, 0, 2);
    engine.run();
    CHECK(ms(sink.done_ns.at(0)) == Approx(1.5).epsilon(1e-6));
    CHECK(ms(sink.done_ns.at(1)) == Approx(2.0).epsilon(1e-6));
    CHECK(ms(sink.done_ns.at(2)) == Approx(1.0).epsilon(1e-6));
    CHECK(net.active_flows() == 0);
}

TEST_CASE("disagg: every request is prefilled once, decoded once, and its KV freed on both sides", "[disagg]") {
    // A small decode KV pool (40 blocks of 16 tokens) makes transfers wait for room and decodes preempt; the run
    // must still finish every request (the cluster asserts no KV is held anywhere at the end).
    auto cost = instant_cost();
    std::vector<Req> reqs;
    for (int i = 0; i < 60; ++i)
        reqs.push_back({i * 0.3, 50 + (i * 37) % 200, 2 + (i * 13) % 40});
    Counter counter;
    const auto run = policies::simulate_disagg(disagg_of(cost, 1e8, sim::KvTransferMode::whole, 2, 2, 40),
                                               workload_of(reqs), nullptr, {&counter});
    int64_t transferred = 0;
    for (const auto& r : run.requests) {
        CHECK(r.phase() == sim::RequestPhase::finished);
        CHECK(counter.finished[r.id] == 1);
        CHECK(counter.migrated[r.id] == 1);
        CHECK(counter.prefilled[r.id] == 1 + r.preemptions);  // a recompute preemption prefills again
        CHECK(r.kv_transfer_ns > 0);
        CHECK(r.first_token_ns > r.kv_transfer_start_ns);
        transferred += 1;
    }
    CHECK(run.kv_transfer.transfers == transferred);
    // Both decode replicas took work (least outstanding tokens).
    CHECK(run.replicas[2].iterations > 0);
    CHECK(run.replicas[3].iterations > 0);
}

TEST_CASE("disagg: under a KV policy the transfer moves only the retained KV", "[disagg][kv_policy]") {
    // A streaming cache of 40 tokens: a 100-token prompt sends 40 x 1000 B = 4e4 B at 1 MB/s = 40 ms, + 0.5 ms.
    auto cost = instant_cost();
    auto d = disagg_of(cost, 1e6, sim::KvTransferMode::whole);
    d.transfer.retention.active = true;
    d.transfer.retention.full_share = 0;
    d.transfer.retention.cap_tokens = 40;
    const auto run = policies::simulate_disagg(d, workload_of({{0, 100, 3}}));
    const auto& r = run.requests[0];
    CHECK(run.kv_transfer.bytes == Approx(4e4));
    CHECK(ms(r.kv_transfer_ns) == Approx(40.5));
    CHECK(ms(r.first_token_ns) == Approx(1 + 40.5 + 1));
    // Off, the same request sends all 100 tokens.
    const auto off =
        policies::simulate_disagg(disagg_of(cost, 1e6, sim::KvTransferMode::whole), workload_of({{0, 100, 3}}));
    CHECK(off.kv_transfer.bytes == Approx(1e5));
}
