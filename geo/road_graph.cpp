// The road graph: [network] options and the speed table, snapping a point onto the roads, and the
// graph's accessors. Building it: road_graph_build.cpp; searching it: router.cpp.
#include "geo/road_graph.h"

#include <algorithm>
#include <cmath>

namespace townsite {

namespace {
// Nearer than this to a node is at the node, even with snap_tolerance_m = 0 (rounding in the
// nearest-point arithmetic).
constexpr double kAtNodeM = 1e-3;
}  // namespace

const std::map<std::string, double>& default_speeds_kmh() {
    // Typical free-flow speeds for rural China (the design speeds of JTG B01 classes, rounded down
    // for mixed traffic), and for OSM highway=* values. 0: not for motor vehicles.
    static const std::map<std::string, double> speeds = {
        {"高速公路", 100}, {"高速", 100}, {"expressway", 100},
        {"国道", 70},     {"G", 70},     {"national", 70},
        {"省道", 60},     {"S", 60},     {"provincial", 60},
        {"县道", 50},     {"X", 50},     {"county", 50},
        {"乡道", 40},     {"Y", 40},     {"township", 40},
        {"村道", 30},     {"C", 30},     {"village", 30},
        {"专用公路", 40}, {"Z", 40},
        {"城市道路", 30}, {"街道", 30},
        {"motorway", 100}, {"motorway_link", 60}, {"trunk", 80}, {"trunk_link", 50},
        {"primary", 60}, {"primary_link", 40}, {"secondary", 50}, {"secondary_link", 40},
        {"tertiary", 40}, {"tertiary_link", 30}, {"unclassified", 30}, {"residential", 25},
        {"living_street", 10}, {"service", 15}, {"track", 15}, {"road", 30},
        {"footway", 0}, {"path", 0}, {"cycleway", 0}, {"steps", 0}, {"pedestrian", 0},
        {"bridleway", 0}, {"corridor", 0}, {"proposed", 0}, {"construction", 0}, {"platform", 0},
        {"ferry", 0},  // route=ferry ways of OSM data: out unless given a speed
    };
    return speeds;
}

const Options<NetworkOptions>& network_option_table() {
    static const Options<NetworkOptions> s =
        Options<NetworkOptions>("network", "the road graph: snapping, speeds",
                                [] {
                                    NetworkOptions d;
                                    d.speeds_kmh = default_speeds_kmh();
                                    return d;
                                })
            .number("snap_tolerance_m", &NetworkOptions::snap_tolerance_m, 0, 100, "m", "vertices closer than this are one node")
            .flag("node_crossings", &NetworkOptions::node_crossings, "also join roads where they cross (data without shared vertices)")
            .number("fallback_speed_kmh", &NetworkOptions::fallback_speed_kmh, 1, 200, "km/h", "speed of road classes the table does not know")
            .number("offroad_speed_kmh", &NetworkOptions::offroad_speed_kmh, 1, 100, "km/h", "from a point to the road (walking)")
            .number("max_snap_m", &NetworkOptions::max_snap_m, 0, 100000, "m", "farther than this from every road: unreachable")
            .number_map("speeds", &NetworkOptions::speeds_kmh, 0, 200, "km/h",
                        "[network.speeds] class = km/h, over the built-in table (0 leaves the class out of the network)");
    return s;
}

NetworkOptions network_options(const StudyConfig& config) { return network_option_table().read(config); }

Snap::Legs Snap::legs(const RoadGraph& g, bool leaving) const {
    Legs out;
    if (!ok) return out;
    if (node != kNoNode) {
        out.leg[out.n++] = {node, offroad_s, snap_m};
        return out;
    }
    const RoadPiece& p = g.pieces[piece];
    const double to_from_m = offset_m, to_to_m = p.length_m - offset_m;
    const double per_m = p.length_m > 0 ? p.seconds / p.length_m : 0;
    // Leaving toward `from` goes against the piece; arriving from `from` goes with it.
    const bool toward_from_ok = leaving ? p.direction != +1 : p.direction != -1;
    const bool toward_to_ok = leaving ? p.direction != -1 : p.direction != +1;
    if (toward_from_ok) out.leg[out.n++] = {p.from, offroad_s + to_from_m * per_m, snap_m + to_from_m};
    if (toward_to_ok) out.leg[out.n++] = {p.to, offroad_s + to_to_m * per_m, snap_m + to_to_m};
    return out;
}

Snap::Legs Snap::legs_any(const RoadGraph& g) const {
    Legs out;
    if (!ok) return out;
    if (node != kNoNode) return legs(g, true);
    const RoadPiece& p = g.pieces[piece];
    const double per_m = p.length_m > 0 ? p.seconds / p.length_m : 0;
    out.leg[out.n++] = {p.from, offroad_s + offset_m * per_m, snap_m + offset_m};
    out.leg[out.n++] = {p.to, offroad_s + (p.length_m - offset_m) * per_m, snap_m + p.length_m - offset_m};
    return out;
}

std::vector<Pt2> RoadGraph::stretch(std::uint32_t piece, double a_m, double b_m) const {
    const RoadPiece& p = pieces[piece];
    if (a_m > b_m) std::swap(a_m, b_m);
    auto at = [&](double m) {
        std::uint32_t k = 0;
        while (k + 2 < p.points && along_m[p.first_point + k + 1] < m) ++k;
        const double l0 = along_m[p.first_point + k], l1 = along_m[p.first_point + k + 1];
        const double t = l1 > l0 ? std::clamp((m - l0) / (l1 - l0), 0.0, 1.0) : 0.0;
        const Pt2 u = points[p.first_point + k], v = points[p.first_point + k + 1];
        if (t == 1.0) return std::make_pair(k, v);   // the vertex itself (a node at the piece's end), not a rounding of it
        return std::make_pair(k, Pt2{u.x + t * (v.x - u.x), u.y + t * (v.y - u.y)});
    };
    const auto [ka, pa] = at(a_m);
    const auto [kb, pb] = at(b_m);
    std::vector<Pt2> out{pa};
    for (std::uint32_t k = ka + 1; k <= kb; ++k) out.push_back(points[p.first_point + k]);
    out.push_back(pb);
    return out;
}

std::vector<std::uint32_t> RoadGraph::degree() const {
    std::vector<std::uint32_t> d(nodes.size(), 0);
    for (const auto& p : pieces) ++d[p.from], ++d[p.to];
    return d;
}

std::uint32_t RoadGraph::node_near(double x, double y, double radius) const {
    // A node is the end of the pieces that meet there, so a segment of one of them lies within the
    // radius too: the segment index finds the nodes without an index of its own.
    std::uint32_t best = Snap::kNoNode;
    double best_m = radius;
    for (const SegmentIndex::Hit& hit : index->within(x, y, radius)) {
        const RoadPiece& p = pieces[hit.owner];
        const std::uint32_t k = segment_point[hit.segment];
        for (const std::uint32_t v : {k == p.first_point ? p.from : Snap::kNoNode, k + 2 == p.first_point + p.points ? p.to : Snap::kNoNode}) {
            if (v == Snap::kNoNode) continue;
            const double m = std::hypot(nodes[v].x - x, nodes[v].y - y);
            // Equally near: the first by position, whatever the index's order.
            if (m < best_m || (m == best_m && (best == Snap::kNoNode || std::tie(nodes[v].x, nodes[v].y) < std::tie(nodes[best].x, nodes[best].y))))
                best = v, best_m = m;
        }
    }
    return best;
}

Snap RoadGraph::snap(double x, double y) const {
    Snap s;
    if (!index || index->size() == 0) return s;
    const SegmentIndex::Hit hit = index->nearest(x, y);
    if (!hit.found) return s;
    s.snap_m = measure->distance_m(x, y, hit.x, hit.y);
    s.piece = hit.owner;
    s.x = hit.x;
    s.y = hit.y;
    const std::uint32_t k = segment_point[hit.segment];
    s.offset_m = along_m[k] + measure->distance_m(points[k].x, points[k].y, hit.x, hit.y);
    s.offset_m = std::min(s.offset_m, pieces[s.piece].length_m);
    // At a node: the point itself within the tolerance of one, or its nearest road point. Several
    // pieces are then equally near and the index's pick among them must not matter.
    const double tolerance = std::max(options.snap_tolerance_m, kAtNodeM);
    std::uint32_t at = node_near(x, y, tolerance);
    if (at == Snap::kNoNode) at = node_near(hit.x, hit.y, tolerance);
    if (at != Snap::kNoNode) {
        s.node = at;
        s.x = nodes[at].x;
        s.y = nodes[at].y;
        s.snap_m = measure->distance_m(x, y, s.x, s.y);
        s.piece = UINT32_MAX;
        for (const auto* arcs : {&out_arcs, &in_arcs}) {
            const auto& first = arcs == &out_arcs ? first_out : first_in;
            for (std::uint32_t a = first[at]; a < first[at + 1]; ++a) s.piece = std::min(s.piece, (*arcs)[a].piece);
        }
        s.offset_m = pieces[s.piece].from == at ? 0 : pieces[s.piece].length_m;
    }
    s.offroad_s = s.snap_m / (options.offroad_speed_kmh / 3.6);
    s.ok = s.snap_m <= options.max_snap_m;
    return s;
}

}  // namespace townsite
