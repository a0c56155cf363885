// The baseline the road router is measured and checked against: Boost.Graph's
// dijkstra_shortest_paths on the same arcs, with a virtual source joined to the seed nodes.
#pragma once

#include "geo/road_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <utility>
#include <vector>

namespace townsite::bgl {

using BglGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                       boost::property<boost::edge_weight_t, double>>;

// The graph's arcs (reversed: every arc turned around) plus one spare vertex, the virtual source.
inline BglGraph to_bgl(const RoadGraph& g, bool reversed) {
    BglGraph b(g.node_count() + 1);
    for (std::uint32_t v = 0; v < g.node_count(); ++v)
        for (std::uint32_t a = g.first_out[v]; a < g.first_out[v + 1]; ++a) {
            if (reversed) boost::add_edge(g.out_arcs[a].head, v, g.out_arcs[a].seconds, b);
            else boost::add_edge(v, g.out_arcs[a].head, g.out_arcs[a].seconds, b);
        }
    return b;
}

// Seconds from the seeds (node, starting seconds) to every node.
inline std::vector<double> bgl_seconds(BglGraph& b, const std::vector<std::pair<std::uint32_t, double>>& seeds) {
    const auto source = static_cast<std::uint32_t>(boost::num_vertices(b) - 1);
    std::vector<BglGraph::edge_descriptor> added;
    for (const auto& [v, s] : seeds) added.push_back(boost::add_edge(source, v, s, b).first);
    std::vector<double> dist(boost::num_vertices(b));
    boost::dijkstra_shortest_paths(b, source, boost::distance_map(dist.data()));
    for (const auto& e : added) boost::remove_edge(e, b);
    return dist;
}

}  // namespace townsite::bgl
