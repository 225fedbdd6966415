#pragma once
// Links as shared resources: each link has a capacity, each flow crosses one or two links (a sender port and a
// receiver port) and gets its max-min fair share of them (progressive filling), so two flows alone on one link each
// take twice as long as one. Rates are recomputed when a flow starts or ends and the next finish is one engine
// event (stale ones are recognised by a version number), so the cost is per flow change, never per byte or tick.
#include <array>
#include <cstdint>
#include <vector>

#include "sim/engine/engine.hpp"

namespace llmsim::sim {

class FlowSink {
  public:
    virtual ~FlowSink() = default;
    virtual void on_flow_done(uint64_t tag) = 0;
};

class LinkNetwork final : public EventHandler {
  public:
    LinkNetwork(Engine& engine, FlowSink& sink) : engine_(engine), sink_(sink) {}

    // A link of `bytes_per_s` (> 0); returns its id.
    int32_t add_link(double bytes_per_s);
    // Starts moving `bytes` (> 0) now over `links` (one or two ids; -1 for none); on_flow_done(tag) when it is done.
    void start(uint64_t tag, double bytes, std::array<int32_t, 2> links);

    [[nodiscard]] size_t active_flows() const { return flows_.size(); }
    [[nodiscard]] double capacity(int32_t link) const { return links_[static_cast<size_t>(link)].capacity; }

    void on_event(uint32_t kind, uint64_t payload) override;

  private:
    struct Link {
        double capacity = 0;
        double left = 0;   // scratch: capacity not yet handed out while filling
        int32_t open = 0;  // scratch: flows on it still unfrozen
    };
    struct Flow {
        uint64_t tag = 0;
        double remaining_bytes = 0;
        std::array<int32_t, 2> links{-1, -1};
        double rate = 0;  // bytes per second
    };

    void advance(int64_t now_ns);
    void fill_rates();
    void schedule_next();

    Engine& engine_;
    FlowSink& sink_;
    std::vector<Link> links_;
    std::vector<Flow> flows_;
    int64_t updated_ns_ = 0;
    uint64_t version_ = 0;
};

}  // namespace llmsim::sim
