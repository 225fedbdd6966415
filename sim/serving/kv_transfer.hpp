#pragma once
// Prefill/decode disaggregation's KV hand-off: after a request's prefill (which samples its first token) its KV
// moves from the prefill replica to a decode replica. The transfer waits until the decode replica can hold the KV
// (allocated there when the transfer starts, back-pressure otherwise, first come first served per decode replica),
// then crosses the sender's and the receiver's links (LinkNetwork: fair shares under contention) and pays a fixed
// latency; the prefill replica frees its copy when it lands, and the decode replica admits the request then.
//
// Layer-wise mode streams each layer's KV while the prefill computes the next layers: of the transfer's T seconds
// (bytes / the path's bandwidth) over the prefill's final iteration of P seconds and L layers, what is not hidden is
// max(T / L, T - P (L - 1) / L) (the last layer always, more when the link is slower than the compute). Only that
// exposed part enters the link model after the prefill; the hidden part is assumed to have had the link to itself.
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

#include "models/kv_retention.hpp"
#include "sim/engine/engine.hpp"
#include "sim/serving/link_network.hpp"
#include "sim/serving/request_state.hpp"

namespace llmsim::sim {

enum class KvTransferMode : uint8_t { whole, layerwise };

// The path between one prefill replica and one decode replica: both ends' port bandwidths (all the replica's GPUs
// sending or receiving their shards at once) and the latency of one transfer. `link_class` tells ports of different
// kinds apart (NVLink inside a node, NICs between nodes): flows share a port only within one class.
struct KvPath {
    int32_t link_class = 0;
    double sender_bytes_per_s = 0;
    double receiver_bytes_per_s = 0;
    int64_t latency_ns = 0;
};

struct KvTransferConfig {
    KvTransferMode mode = KvTransferMode::whole;
    double kv_bytes_per_token = 0;  // the whole replica's KV of one token (every layer, every GPU)
    // A KV policy's retention: a request of n tokens moves the stored_tokens(n) it holds, not all n (inactive: all).
    models::KvRetention retention;
    int32_t layers = 1;
    // (prefill pool, prefill replica, decode pool, decode replica) -> path.
    std::function<KvPath(int32_t, int32_t, int32_t, int32_t)> path;
};

// What the transfer logic asks of the cluster.
class KvTransferHost {
  public:
    virtual ~KvTransferHost() = default;
    // Allocates r's KV on its decode replica (r.pool, r.replica); false when that replica is short of blocks now.
    virtual bool reserve_decode_kv(RequestState& r) = 0;
    // The KV arrived: free the prefill copy on (from_pool, from_replica) and let the decode replica run r.
    virtual void kv_landed(RequestState& r, int32_t from_pool, int32_t from_replica) = 0;
};

struct KvTransferStats {
    int64_t transfers = 0;
    double bytes = 0;
    int64_t in_progress = 0;  // submitted and not landed
};

class KvTransfers final : public EventHandler, public FlowSink {
  public:
    KvTransfers(Engine& engine, KvTransferConfig config, KvTransferHost& host);

    // r finished its prefill on (from_pool, from_replica), in a final iteration of `prefill_iteration_ns`, and was
    // routed to the decode replica (r.pool, r.replica): its transfer starts as soon as that replica has room.
    void submit(RequestState& r, int32_t from_pool, int32_t from_replica, int64_t prefill_iteration_ns);
    // The decode replica (pool, replica) freed KV: start the transfers queued for it that now fit, in order.
    void retry(int32_t pool, int32_t replica);

    [[nodiscard]] const KvTransferStats& stats() const { return stats_; }

    void on_event(uint32_t kind, uint64_t payload) override;
    void on_flow_done(uint64_t tag) override;

  private:
    struct Pending {
        RequestState* request = nullptr;
        int32_t from_pool = 0;
        int32_t from_replica = 0;
        int64_t prefill_iteration_ns = 0;
        int64_t latency_ns = 0;
    };

    void begin(Pending& p);
    int32_t port(int32_t pool, int32_t replica, int32_t link_class, bool receiving, double bytes_per_s);

    Engine& engine_;
    KvTransferConfig config_;
    KvTransferHost& host_;
    LinkNetwork network_;
    std::unordered_map<uint32_t, Pending> pending_;                       // by request id, until landed
    std::map<std::pair<int32_t, int32_t>, std::deque<uint32_t>> queued_;  // by decode replica: waiting for KV room
    std::map<std::array<int32_t, 4>, int32_t> ports_;                     // (pool, replica, class, receiving) -> link
    KvTransferStats stats_;
};

}  // namespace llmsim::sim
