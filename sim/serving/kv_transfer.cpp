#include "sim/serving/kv_transfer.hpp"

#include <algorithm>
#include <cmath>

#include "common/error.hpp"

namespace llmsim::sim {

KvTransfers::KvTransfers(Engine& engine, KvTransferConfig config, KvTransferHost& host)
    : engine_(engine), config_(std::move(config)), host_(host), network_(engine, *this) {
    LLMSIM_ASSERT(config_.kv_bytes_per_token > 0 && config_.layers >= 1 && config_.path,
                  "a KV transfer needs bytes per token, layers and a path");
}

void KvTransfers::submit(RequestState& r, int32_t from_pool, int32_t from_replica, int64_t prefill_iteration_ns) {
    LLMSIM_ASSERT(pending_.count(r.id) == 0, "request " + std::to_string(r.id) + " handed off twice");
    Pending p{&r, from_pool, from_replica, prefill_iteration_ns, 0};
    stats_.in_progress += 1;
    auto& queue = queued_[{r.pool, r.replica}];
    // First come first served: a transfer never overtakes one already waiting for the same decode replica.
    if (queue.empty() && host_.reserve_decode_kv(r)) {
        begin(pending_.emplace(r.id, p).first->second);
        return;
    }
    pending_.emplace(r.id, p);
    queue.push_back(r.id);
}

void KvTransfers::retry(int32_t pool, int32_t replica) {
    auto it = queued_.find({pool, replica});
    if (it == queued_.end()) return;
    auto& queue = it->second;
    while (!queue.empty()) {
        Pending& p = pending_.at(queue.front());
        if (!host_.reserve_decode_kv(*p.request)) break;
        queue.pop_front();
        begin(p);
    }
}

int32_t KvTransfers::port(int32_t pool, int32_t replica, int32_t link_class, bool receiving, double bytes_per_s) {
    const std::array<int32_t, 4> key{pool, replica, link_class, receiving ? 1 : 0};
    auto it = ports_.find(key);
    if (it != ports_.end()) return it->second;
    const int32_t id = network_.add_link(bytes_per_s);
    ports_.emplace(key, id);
    return id;
}

void KvTransfers::begin(Pending& p) {
    RequestState& r = *p.request;
    const KvPath path = config_.path(p.from_pool, p.from_replica, r.pool, r.replica);
    LLMSIM_ASSERT(path.sender_bytes_per_s > 0 && path.receiver_bytes_per_s > 0 && path.latency_ns >= 0,
                  "a KV path needs bandwidth at both ends");
    const int64_t tokens = config_.retention.active ? config_.retention.stored_tokens(r.kv_tokens()) : r.kv_tokens();
    const double bytes = config_.kv_bytes_per_token * static_cast<double>(tokens);
    double exposed = bytes;
    // Layer-wise: the share of the transfer the prefill's compute hid (see the header), at the path's own rate.
    if (config_.mode == KvTransferMode::layerwise) {
        const double rate = std::min(path.sender_bytes_per_s, path.receiver_bytes_per_s);
        const double layers = config_.layers;
        const double hidden_capacity =
            rate * static_cast<double>(p.prefill_iteration_ns) * 1e-9 * (layers - 1) / layers;
        exposed = std::max(bytes / layers, bytes - hidden_capacity);
    }
    p.latency_ns = path.latency_ns;
    r.kv_transfer_start_ns = engine_.now().ns();
    stats_.transfers += 1;
    stats_.bytes += bytes;
    network_.start(r.id, exposed,
                   {port(p.from_pool, p.from_replica, path.link_class, false, path.sender_bytes_per_s),
                    port(r.pool, r.replica, path.link_class, true, path.receiver_bytes_per_s)});
}

void KvTransfers::on_flow_done(uint64_t tag) {
    const Pending& p = pending_.at(static_cast<uint32_t>(tag));
    engine_.schedule_after(p.latency_ns, *this, 0, tag);
}

void KvTransfers::on_event(uint32_t /*kind*/, uint64_t payload) {
    auto it = pending_.find(static_cast<uint32_t>(payload));
    LLMSIM_ASSERT(it != pending_.end(), "a KV transfer landed twice");
    const Pending p = it->second;
    pending_.erase(it);
    stats_.in_progress -= 1;
    RequestState& r = *p.request;
    r.kv_transfer_ns = engine_.now().ns() - r.kv_transfer_start_ns;
    host_.kv_landed(r, p.from_pool, p.from_replica);
}

}  // namespace llmsim::sim
