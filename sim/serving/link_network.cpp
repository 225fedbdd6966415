#include "sim/serving/link_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.hpp"

namespace llmsim::sim {

int32_t LinkNetwork::add_link(double bytes_per_s) {
    LLMSIM_ASSERT(bytes_per_s > 0, "a link needs a bandwidth");
    links_.push_back({bytes_per_s, 0, 0});
    return static_cast<int32_t>(links_.size() - 1);
}

void LinkNetwork::start(uint64_t tag, double bytes, std::array<int32_t, 2> links) {
    LLMSIM_ASSERT(bytes > 0 && (links[0] >= 0 || links[1] >= 0), "a flow needs bytes and a link");
    advance(engine_.now().ns());
    flows_.push_back({tag, bytes, links, 0});
    fill_rates();
    schedule_next();
}

void LinkNetwork::advance(int64_t now_ns) {
    const double dt_s = static_cast<double>(now_ns - updated_ns_) * 1e-9;
    updated_ns_ = now_ns;
    if (dt_s <= 0) return;
    for (Flow& f : flows_)
        f.remaining_bytes -= f.rate * dt_s;
}

// Max-min fairness by progressive filling: the most constrained link fixes the rate of its flows, which then leave
// the other links they cross; repeat until every flow has a rate.
void LinkNetwork::fill_rates() {
    for (Link& l : links_) {
        l.left = l.capacity;
        l.open = 0;
    }
    for (Flow& f : flows_) {
        f.rate = -1;
        for (int32_t id : f.links) {
            if (id >= 0) links_[static_cast<size_t>(id)].open += 1;
        }
    }
    for (size_t frozen = 0; frozen < flows_.size();) {
        size_t tightest = links_.size();
        double share = std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < links_.size(); ++i) {
            if (links_[i].open > 0 && links_[i].left / links_[i].open < share) {
                share = links_[i].left / links_[i].open;
                tightest = i;
            }
        }
        LLMSIM_ASSERT(tightest < links_.size(), "a flow crosses no link");
        for (Flow& f : flows_) {
            if (f.rate >= 0 ||
                (f.links[0] != static_cast<int32_t>(tightest) && f.links[1] != static_cast<int32_t>(tightest))) {
                continue;
            }
            f.rate = share;
            ++frozen;
            for (int32_t id : f.links) {
                if (id < 0) continue;
                Link& l = links_[static_cast<size_t>(id)];
                l.left = std::max(0.0, l.left - share);
                l.open -= 1;
            }
        }
    }
}

void LinkNetwork::schedule_next() {
    ++version_;
    if (flows_.empty()) return;
    double soonest_ns = std::numeric_limits<double>::infinity();
    for (const Flow& f : flows_)
        soonest_ns = std::min(soonest_ns, std::max(0.0, f.remaining_bytes) / f.rate * 1e9);
    const int64_t at = updated_ns_ + static_cast<int64_t>(std::ceil(soonest_ns));
    engine_.schedule_at(SimTime::from_ns(at), *this, 0, version_);
}

void LinkNetwork::on_event(uint32_t /*kind*/, uint64_t payload) {
    if (payload != version_) return;  // a flow started or ended since: a newer event stands
    advance(engine_.now().ns());
    // Done: less than a nanosecond of sending left (finish times are rounded up to whole nanoseconds).
    std::vector<uint64_t> done;
    flows_.erase(std::remove_if(flows_.begin(), flows_.end(),
                                [&](const Flow& f) {
                                    if (f.remaining_bytes > f.rate * 1e-9) return false;
                                    done.push_back(f.tag);
                                    return true;
                                }),
                 flows_.end());
    LLMSIM_ASSERT(!done.empty(), "a link event finished no flow");
    fill_rates();
    schedule_next();
    for (uint64_t tag : done)
        sink_.on_flow_done(tag);
}

}  // namespace llmsim::sim
