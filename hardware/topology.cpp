#include "hardware/topology.hpp"

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace llmsim::hardware {

struct Topology::Graph {
    struct Edge {
        double bandwidth_bytes_per_s = 0;
        double latency_ns = 0;
    };
    // Compressed sparse rows: built in one pass from the edge list (links are added in both directions).
    using G = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, Edge>;
    G g;
};

TopologySpec topology_from_device(const DeviceSpec& device) {
    TopologySpec s;
    s.gpus_per_node = std::max(1, device.devices_per_node);
    s.nvlink_bytes_per_s = device.intra_node.bandwidth_bytes_per_s;
    s.nvlink_latency_ns = device.intra_node.latency_ns;
    s.nics_per_node = s.gpus_per_node;
    s.nic_bytes_per_s = device.inter_node.bandwidth_bytes_per_s;
    s.nic_latency_ns = device.inter_node.latency_ns;
    return s;
}

namespace {

// Dijkstra visitor that stops the search once the target vertex is settled (Boost's documented idiom).
struct TargetReached {};
struct StopAt : boost::default_dijkstra_visitor {
    size_t target;
    explicit StopAt(size_t t) : target(t) {}
    template <class Vertex, class Graph>
    void examine_vertex(Vertex v, const Graph&) const {
        if (v == target) throw TargetReached{};
    }
};

void require(bool ok, const char* flag, const std::string& msg) {
    if (!ok) throw UsageError(flag, msg);
}

}  // namespace

Topology::Topology(TopologySpec spec, int32_t gpus) : spec_(spec), gpus_(gpus), graph_(std::make_unique<Graph>()) {
    require(gpus >= 1, "--gpus", "must be >= 1, got " + std::to_string(gpus));
    require(spec_.gpus_per_node >= 1, "--gpus-per-node", "must be >= 1, got " + std::to_string(spec_.gpus_per_node));
    require(spec_.nics_per_node >= 1, "--nics-per-node", "must be >= 1, got " + std::to_string(spec_.nics_per_node));
    require(spec_.nodes_per_leaf >= 1, "--nodes-per-leaf", "must be >= 1, got " + std::to_string(spec_.nodes_per_leaf));
    require(spec_.oversubscription >= 1.0, "--oversubscription",
            "must be >= 1 (downlink:uplink), got " + std::to_string(spec_.oversubscription));
    require(spec_.nvlink_bytes_per_s > 0 || spec_.gpus_per_node == 1, "--nvlink-bandwidth",
            "the device has no intra-node link bandwidth; give --nvlink-bandwidth");
    const int32_t g = spec_.gpus_per_node;
    nodes_ = (gpus + g - 1) / g;
    require(spec_.nic_bytes_per_s > 0 || nodes_ == 1, "--nic-bandwidth",
            "the device has no inter-node link bandwidth and " + std::to_string(gpus) + " GPUs need " +
                std::to_string(nodes_) + " nodes; give --nic-bandwidth");

    const int32_t nics = spec_.nics_per_node;
    const int32_t pods = (nodes_ + spec_.nodes_per_leaf - 1) / spec_.nodes_per_leaf;
    const int32_t leaves_per_pod = spec_.rail_optimized ? nics : 1;
    const int32_t spines = std::max(1, leaves_per_pod);
    const int32_t node_gpus = nodes_ * g;
    const int32_t switch_base = node_gpus;
    const int32_t nic_base = switch_base + nodes_;
    const int32_t leaf_base = nic_base + nodes_ * nics;
    const int32_t spine_base = leaf_base + pods * leaves_per_pod;
    const auto vertex_count = static_cast<size_t>(spine_base + (pods > 1 ? spines : 0));
    std::vector<std::pair<size_t, size_t>> edges;
    std::vector<Graph::Edge> props;
    const size_t edge_estimate =
        static_cast<size_t>(nodes_) * (2 * nics + 2 * g) + static_cast<size_t>(pods) * leaves_per_pod * spines;
    edges.reserve(2 * edge_estimate);
    props.reserve(2 * edge_estimate);

    // Each GPU's share of its node's network bandwidth; every network edge on its path carries that share.
    const double per_gpu_net = spec_.nic_bytes_per_s * nics / g;
    const auto sw = static_cast<double>(spec_.switch_latency_ns);
    auto add = [&](int32_t u, int32_t v, double bw, double lat) {
        edges.emplace_back(static_cast<size_t>(u), static_cast<size_t>(v));
        edges.emplace_back(static_cast<size_t>(v), static_cast<size_t>(u));
        props.push_back(Graph::Edge{bw, lat});
        props.push_back(Graph::Edge{bw, lat});
    };
    for (int32_t n = 0; n < nodes_; ++n) {
        const int32_t pod = n / spec_.nodes_per_leaf;
        for (int32_t k = 0; k < nics; ++k) {
            const int32_t nic = nic_base + n * nics + k;
            // PXN: a GPU can reach any NIC of its node through the node switch (an NVLink hop more than its own).
            add(switch_base + n, nic, spec_.nvlink_bytes_per_s, spec_.nic_latency_ns / 2.0);
            const int32_t leaf = leaf_base + pod * leaves_per_pod + (spec_.rail_optimized ? k : 0);
            add(nic, leaf, per_gpu_net, sw / 2);
        }
        for (int32_t i = 0; i < g; ++i) {
            const int32_t gpu = n * g + i;
            add(gpu, switch_base + n, spec_.nvlink_bytes_per_s, spec_.nvlink_latency_ns / 2.0);
            const int32_t nic = nic_base + n * nics + static_cast<int32_t>(static_cast<int64_t>(i) * nics / g);
            add(gpu, nic, per_gpu_net, spec_.nic_latency_ns / 2.0);
        }
    }
    if (pods > 1) {
        for (int32_t p = 0; p < pods; ++p) {
            for (int32_t l = 0; l < leaves_per_pod; ++l) {
                for (int32_t s = 0; s < spines; ++s) {
                    add(leaf_base + p * leaves_per_pod + l, spine_base + s, per_gpu_net / spec_.oversubscription, sw);
                }
            }
        }
    }
    graph_->g = Graph::G(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), props.begin(), vertex_count);
}

Topology::~Topology() = default;

int32_t Topology::vertices() const {
    return static_cast<int32_t>(boost::num_vertices(graph_->g));
}

PathInfo Topology::path(int32_t a, int32_t b) const {
    LLMSIM_ASSERT(a >= 0 && b >= 0 && a < nodes_ * spec_.gpus_per_node && b < nodes_ * spec_.gpus_per_node,
                  "GPU index outside the topology");
    if (a == b) return PathInfo{std::numeric_limits<double>::infinity(), 0, 0};
    const int32_t g = spec_.gpus_per_node;
    const int32_t na = a / g;
    const int32_t nb = b / g;
    const int32_t relation = na == nb ? 0 : (na / spec_.nodes_per_leaf == nb / spec_.nodes_per_leaf ? 1 : 2);
    // Pairs with the same local indices and the same node/pod relation see the same path.
    const auto key = std::make_tuple(a % g * g + b % g, relation, 0);
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = path_cache_.find(key); it != path_cache_.end()) return it->second;

    const auto& G = graph_->g;
    const size_t n = boost::num_vertices(G);
    std::vector<size_t> pred(n);
    std::vector<double> dist(n);
    try {
        boost::dijkstra_shortest_paths(
            G, static_cast<size_t>(a),
            boost::predecessor_map(boost::make_iterator_property_map(pred.begin(), boost::get(boost::vertex_index, G)))
                .distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, G)))
                .weight_map(boost::get(&Graph::Edge::latency_ns, G))
                .visitor(StopAt{static_cast<size_t>(b)}));
    } catch (const TargetReached&) {
        // The target's distance and predecessors are final once it is examined.
    }
    PathInfo info;
    info.bandwidth_bytes_per_s = std::numeric_limits<double>::infinity();
    info.latency_ns = dist[static_cast<size_t>(b)];
    for (size_t v = static_cast<size_t>(b); v != static_cast<size_t>(a); v = pred[v]) {
        LLMSIM_ASSERT(pred[v] != v, "topology graph is disconnected");
        // The edge Dijkstra relaxed: the lowest-latency one from the predecessor (links are unique per pair).
        double bw = 0;
        double best = std::numeric_limits<double>::infinity();
        for (auto [e, end] = boost::out_edges(pred[v], G); e != end; ++e) {
            if (boost::target(*e, G) == v && G[*e].latency_ns < best) {
                best = G[*e].latency_ns;
                bw = G[*e].bandwidth_bytes_per_s;
            }
        }
        LLMSIM_ASSERT(best < std::numeric_limits<double>::infinity(), "predecessor without an edge");
        info.bandwidth_bytes_per_s = std::min(info.bandwidth_bytes_per_s, bw);
        ++info.hops;
    }
    path_cache_.emplace(key, info);
    return info;
}

GroupShape Topology::group(int32_t first, int32_t size, int32_t stride) const {
    LLMSIM_ASSERT(size >= 1 && stride >= 1 && first >= 0, "bad communicator shape");
    LLMSIM_ASSERT(first + static_cast<int64_t>(size - 1) * stride < static_cast<int64_t>(nodes_) * spec_.gpus_per_node,
                  "communicator outside the topology");
    const auto key = std::make_tuple(first, size, stride);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto it = group_cache_.find(key); it != group_cache_.end()) return it->second;
    }
    GroupShape s;
    s.size = size;
    std::map<int32_t, int32_t> per_node;
    for (int32_t i = 0; i < size; ++i)
        ++per_node[node_of(first + i * stride)];
    s.nodes = static_cast<int32_t>(per_node.size());
    for (const auto& [node, count] : per_node)
        s.ranks_per_node = std::max(s.ranks_per_node, count);
    if (size > 1) {
        auto slowest = [](PathInfo& acc, const PathInfo& p) {
            if (acc.hops == 0) {
                acc = p;
                return;
            }
            acc.bandwidth_bytes_per_s = std::min(acc.bandwidth_bytes_per_s, p.bandwidth_bytes_per_s);
            acc.latency_ns = std::max(acc.latency_ns, p.latency_ns);
            acc.hops = std::max(acc.hops, p.hops);
        };
        const int32_t g = spec_.gpus_per_node;
        auto member = [&](int32_t x) { return x >= first && (x - first) % stride == 0 && (x - first) / stride < size; };
        for (int32_t i = 0; i < size; ++i) {
            const int32_t a = first + i * stride;
            int32_t b = first + ((i + 1) % size) * stride;
            if (node_of(a) == node_of(b)) {
                slowest(s.intra, path(a, b));
                continue;
            }
            // NCCL orders each channel's ring so that it leaves and enters nodes on the same rail.
            const int32_t aligned = node_of(b) * g + a % g;
            if (member(aligned)) b = aligned;
            slowest(s.inter, path(a, b));
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    group_cache_.emplace(key, s);
    return s;
}

}  // namespace llmsim::hardware
